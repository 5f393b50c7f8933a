"""Sheets out of an uploaded file: an XLSX workbook (one sheet per kind), a zip of CSVs (`<kind>.csv`), or one CSV.

Rows are streamed (openpyxl's read-only mode, csv over the zip member), so memory stays flat whatever the size.
Each row comes with its number as a spreadsheet shows it (the header is row 1).
"""

import csv
import io
import zipfile
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from .cells import cell_text


class UnreadableFile(ValueError):
    """The file is not a workbook, a zip of CSVs or a CSV this import reads."""


class Workbook:
    """Opened once; `sheet_names` and `rows(name)` (an iterator of (row number, [cell text])) in any order."""

    def __init__(self, stream, filename):
        self.filename = filename or ""
        suffix = PurePosixPath(self.filename.lower()).suffix
        head = stream.read(4)
        stream.seek(0)
        self._stream = stream
        if head.startswith(b"PK"):
            try:
                archive = zipfile.ZipFile(stream)
            except zipfile.BadZipFile as error:
                raise UnreadableFile(_("The file is not a readable workbook or zip: %s") % error) from None
            if "[Content_Types].xml" in archive.namelist():
                self._open_xlsx()
            else:
                self._zip = archive
                self.kind = "zip"
                self.sheet_names = [
                    PurePosixPath(name).stem for name in archive.namelist() if name.lower().endswith(".csv")
                ]
        elif suffix in (".csv", ".txt", ""):
            self.kind = "csv"
            self.sheet_names = [PurePosixPath(self.filename).stem or "vendors"]
        else:
            raise UnreadableFile(_("Upload an .xlsx workbook, a .zip of CSV files or a .csv file."))

    def _open_xlsx(self):
        import openpyxl

        try:
            self._book = openpyxl.load_workbook(self._stream, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise UnreadableFile(_("The workbook cannot be read: %s") % error) from None
        self.kind = "xlsx"
        self.sheet_names = [name for name in self._book.sheetnames if not name.startswith("_")]

    def rows(self, name):
        if self.kind == "xlsx":
            for number, row in enumerate(self._book[name].iter_rows(values_only=True), start=1):
                yield number, [cell_text(value) for value in row]
            return
        if self.kind == "zip":
            member = next(item for item in self._zip.namelist() if PurePosixPath(item).stem == name)
            text = io.TextIOWrapper(self._zip.open(member), encoding="utf-8-sig", newline="")
        else:
            text = io.TextIOWrapper(self._stream, encoding="utf-8-sig", newline="")
        try:
            for number, row in enumerate(csv.reader(text), start=1):
                yield number, [cell.strip() for cell in row]
        except UnicodeDecodeError:
            raise UnreadableFile(_("%(sheet)s is not UTF-8 text.") % {"sheet": name}) from None
        finally:
            text.detach()

    def close(self):
        if self.kind == "xlsx":
            self._book.close()
