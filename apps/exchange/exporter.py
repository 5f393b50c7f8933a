"""The whole-register export, in the import layout: an XLSX workbook, a zip of CSVs, or JSON.

Written to a binary file object sheet by sheet, row by row (openpyxl's write-only mode, csv into the zip member,
JSON one row at a time), with the rows read through `.iterator()`: memory stays flat whatever the register's size.
Re-importing an export changes nothing (tests/exchange/test_round_trip.py).
"""

import csv
import io
import json
import zipfile

from .cells import show
from .layout import KINDS

FORMATS = ("xlsx", "csv", "json")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
    "json": "application/json",
}
EXTENSIONS = {"xlsx": "xlsx", "csv": "zip", "json": "json"}


def _text_rows(kind, rows):
    names = [column.name for column in kind.columns]
    yield names
    for row in rows:
        yield [show(kind.column(name), row.get(name)) for name in names]


def sheets(*, empty=False):
    """(kind, rows as lists of text, header first) for every kind; `empty` gives the headers only (the template)."""
    for kind in KINDS:
        yield kind, _text_rows(kind, () if empty else kind.export())


def write_xlsx(out, *, empty=False):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    if empty:
        readme = book.create_sheet("_readme")
        readme.append(["sheet", "what it holds"])
        for kind in KINDS:
            readme.append([kind.sheet, kind.description])
    for kind, rows in sheets(empty=empty):
        sheet = book.create_sheet(kind.sheet)
        for row in rows:
            sheet.append(row)
    book.save(out)


def write_csv_zip(out, *, empty=False):
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind, rows in sheets(empty=empty):
            with archive.open(f"{kind.sheet}.csv", "w") as member:
                text = io.TextIOWrapper(member, encoding="utf-8", newline="")
                csv.writer(text).writerows(rows)
                text.flush()
                text.detach()


def write_json(out, *, empty=False):
    """{"format": "vendorrisk-register", "version": 1, "sheets": {sheet: [{column: text}, …]}}, streamed."""
    out.write(b'{"format": "vendorrisk-register", "version": 1, "sheets": {')
    for position, (kind, rows) in enumerate(sheets(empty=empty)):
        header = next(rows)
        out.write((", " if position else "").encode() + json.dumps(kind.sheet).encode() + b": [")
        for number, row in enumerate(rows):
            out.write((b", " if number else b"") + json.dumps(dict(zip(header, row, strict=True))).encode())
        out.write(b"]")
    out.write(b"}}\n")


WRITERS = {"xlsx": write_xlsx, "csv": write_csv_zip, "json": write_json}


def export_register(out, *, fmt="xlsx", empty=False):
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    WRITERS[fmt](out, empty=empty)
