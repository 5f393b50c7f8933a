"""The bulk import: every row through the register's services, a dry run first, all or nothing.

A dry run and an apply are the same run: every row is written through its service inside one transaction (each row
in its own savepoint, so one bad row does not hide the next one's error), then the transaction is rolled back
unless the caller applies and no row failed. The report says, per sheet, what was created, changed and left alone,
and every error by sheet, row and column with the reason.

The big sheets (vendors, services, flows: `Kind.batched`) are read a chunk of CHUNK_ROWS rows at a time: the rows a
chunk names are loaded in a few queries, its new rows are created through the owning app's batch service (the
same rules as the one-row service, a constant number of queries per chunk) and its changed rows go one by one
through the one-row update service. A key seen twice ends the chunk first, so the second row sees the first.
Memory holds one chunk, the look-up cache and the report (whose previews and errors are capped).

Flows' consequence, the tier recompute, is applied once per vendor at the end through
apps.register.handlers.EventHandler (the import is one write), set-based.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.exceptions import TransitionRefused
from apps.register.handlers import EventHandler

from .cells import show
from .layout import KINDS, KINDS_BY_SHEET, Context
from .reader import UnreadableFile, Workbook

CHUNK_ROWS = 1000  # rows of a batched sheet written together
PREVIEW_LIMIT = 200  # rows listed per sheet and outcome in a preview; the counts are always complete
ERROR_LIMIT = 5000  # errors kept in a report; the count is always complete


@dataclass
class RowError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def as_dict(self):
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self):
        where = (
            self.sheet + (f", row {self.row}" if self.row else "") + (f", column {self.column}" if self.column else "")
        )
        return f"{where}: {self.message}"


@dataclass
class SheetReport:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    preview: dict = field(default_factory=lambda: {"created": [], "changed": []})

    def note(self, outcome, key, fields=()):
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome != "unchanged" and len(self.preview[outcome]) < PREVIEW_LIMIT:
            self.preview[outcome].append(
                {"key": key, "fields": sorted(fields)} if outcome == "changed" else {"key": key}
            )

    def as_dict(self):
        return {"created": self.created, "changed": self.changed, "unchanged": self.unchanged, "preview": self.preview}


@dataclass
class ImportReport:
    applied: bool = False
    sheets: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self):
        return self.error_count == 0

    def error(self, sheet, row, column, message):
        self.error_count += 1
        if len(self.errors) < ERROR_LIMIT:
            self.errors.append(RowError(sheet, row, column, str(message)))

    def as_dict(self):
        return {
            "applied": self.applied,
            "ok": self.ok,
            "sheets": {name: sheet.as_dict() for name, sheet in self.sheets.items()},
            "error_count": self.error_count,
            "errors": [error.as_dict() for error in self.errors],
        }


def _column_of(kind, field_name):
    if field_name in kind.field_columns:
        return kind.field_columns[field_name]
    if field_name == "__all__":
        return None
    names = {column.name for column in kind.columns}
    by_field = {column.field: column.name for column in kind.columns}
    return field_name if field_name in names else by_field.get(field_name, field_name)


def _report_refusal(report, kind, number, error):
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field_name, messages in error.message_dict.items():
            report.error(kind.sheet, number, _column_of(kind, field_name), " ".join(messages))
    elif isinstance(error, ValidationError):
        report.error(kind.sheet, number, None, " ".join(error.messages))
    else:
        report.error(kind.sheet, number, None, str(error))


def _header(kind, report, cells):
    known = {column.name for column in kind.columns}
    header = [cell.strip().lower() for cell in cells]
    ok = True
    for _position, name in enumerate(header, start=1):
        if name and name not in known:
            report.error(kind.sheet, 1, name, _("Unknown column (the template lists this sheet's columns)."))
            ok = False
    for column in kind.columns:
        if column.required and column.name not in header:
            report.error(kind.sheet, 1, column.name, _("Required column missing."))
            ok = False
    return header if ok else None


def _parse(kind, report, number, header, cells):
    values, failed = {}, False
    for position, name in enumerate(header):
        if not name:
            continue
        text = cells[position] if position < len(cells) else ""
        try:
            values[name] = kind.column(name).parse(text)
        except ValueError as error:
            report.error(kind.sheet, number, name, str(error))
            failed = True
    return None if failed else kind.given(values)


_FIND = object()


def _changes(kind, existing, values):
    current = kind.current(existing)
    return {
        name: value
        for name, value in values.items()
        if name not in kind.key and show(kind.column(name), value) != show(kind.column(name), current.get(name))
    }


def _import_one(kind, ctx, report, sheet, number, values, existing=_FIND):
    """One row through the kind's one-row services; an unchanged row costs no write and no savepoint."""
    try:
        if existing is _FIND:
            existing = kind.find(ctx, values)
        changes = _changes(kind, existing, values) if existing is not None else None
        if changes == {}:
            sheet.note("unchanged", kind.key_text(values))
            return
        with transaction.atomic():  # a savepoint: a refused row leaves nothing behind, the next row goes on
            if existing is None:
                kind.create(ctx, dict(values))
            else:
                kind.update(ctx, existing, changes, values)
    except (ValidationError, TransitionRefused, PermissionDenied) as error:
        _report_refusal(report, kind, number, error)
        return
    sheet.note("created" if existing is None else "changed", kind.key_text(values), changes or ())


def _import_chunk(kind, ctx, report, sheet, pending):
    """New rows through the kind's batch service, existing ones through `_import_one`, in row order per outcome."""
    rows = [values for _number, values in pending]
    kind.preload(ctx, rows)
    existing = kind.find_many(ctx, rows)
    creates = []
    for number, values in pending:
        found = existing.get(kind.key_of(values))
        if found is not None or not kind.batch_eligible(values):
            _import_one(kind, ctx, report, sheet, number, values, found)
            continue
        try:
            creates.append((number, values, kind.draft(ctx, dict(values))))
        except ValidationError as error:
            _report_refusal(report, kind, number, error)
    if not creates:
        return
    with transaction.atomic():
        results = kind.create_batch(ctx, [draft for _number, _values, draft in creates])
    for (number, values, _draft), result in zip(creates, results, strict=True):
        if isinstance(result, ValidationError):
            _report_refusal(report, kind, number, result)
        else:
            sheet.note("created", kind.key_text(values))


def _import_sheet(kind, rows, ctx, report):
    sheet = report.sheets.setdefault(kind.sheet, SheetReport())
    header = None
    pending, keys = [], set()
    for number, cells in rows:
        if header is None:
            header = _header(kind, report, cells)
            if header is None:
                return
            continue
        if not any(cells):
            continue
        values = _parse(kind, report, number, header, cells)
        if values is None:
            continue
        if not kind.batched:
            _import_one(kind, ctx, report, sheet, number, values)
            continue
        key = kind.key_of(values)
        if key in keys or len(pending) >= CHUNK_ROWS:
            _import_chunk(kind, ctx, report, sheet, pending)
            pending, keys = [], set()
        pending.append((number, values))
        keys.add(key)
    if pending:
        _import_chunk(kind, ctx, report, sheet, pending)


def import_register(*, stream, filename, actor, apply=False) -> ImportReport:
    """Import a workbook; writes only when `apply` and no row failed. Raises UnreadableFile for an unreadable file."""
    book = Workbook(stream, filename)
    report = ImportReport()
    unknown = [name for name in book.sheet_names if name not in KINDS_BY_SHEET]
    for name in unknown:
        report.error(name, None, None, _("Unknown sheet; the sheets are: %s.") % ", ".join(KINDS_BY_SHEET))
    ctx = Context(actor)
    try:
        with transaction.atomic():
            for kind in KINDS:
                if kind.sheet in book.sheet_names:
                    _import_sheet(kind, book.rows(kind.sheet), ctx, report)
            if ctx.touched_vendor_ids and report.ok:
                EventHandler(actor).data_map_changed(vendor_ids=ctx.touched_vendor_ids)
            report.applied = apply and report.ok
            if not report.applied:
                transaction.set_rollback(True)
    finally:
        book.close()
    return report


__all__ = ["ImportReport", "RowError", "UnreadableFile", "import_register"]
