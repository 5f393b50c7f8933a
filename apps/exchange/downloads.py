"""Downloads of exports and packages: written to a temporary file, then streamed from it (flat memory)."""

import datetime
import tempfile

from django.core.exceptions import ValidationError
from django.http import FileResponse

from .dora.package import write_package
from .dora.roi import build_roi
from .exporter import CONTENT_TYPES, EXTENSIONS, FORMATS, export_register


def export_format(value, *, default="xlsx"):
    fmt = (value or default).lower()
    if fmt not in FORMATS:
        raise ValidationError({"format": f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}"})
    return fmt


def reference_date(value):
    if not value:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"reference_date": f"not a date: {value!r} (use YYYY-MM-DD)"}) from None


def _file_response(spool, filename, content_type):
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=content_type)


def register_download(fmt, *, empty=False):
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it once streamed
    export_register(spool, fmt=fmt, empty=empty)
    stem = "vendorrisk-import-template" if empty else f"vendorrisk-register-{datetime.date.today().isoformat()}"
    return _file_response(spool, f"{stem}.{EXTENSIONS[fmt]}", CONTENT_TYPES[fmt])


def roi_download(day):
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it once streamed
    name = write_package(spool, build_roi(reference_date=day), reference_date=day)
    return _file_response(spool, f"{name}.zip", "application/zip")
