"""Cell values of the import/export layout: one text form per type, so that an export re-imports to the same values.

Lists are `; `-separated; booleans are `true`/`false` (yes/no/1/0 accepted); dates ISO 8601; empty is empty.
XLSX cells may arrive typed (dates, numbers, booleans): `cell_text` turns them into the same text first.
"""

import datetime
import decimal

from django.utils.translation import gettext as _

TRUE = frozenset({"true", "yes", "y", "1", "x"})
FALSE = frozenset({"false", "no", "n", "0", ""})


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class Column:
    """One column of a sheet: its name (the model field it writes, mostly) and how its text converts."""

    def __init__(self, name, type="text", *, required=False, field=None, sort=False, case=None):
        self.name, self.type, self.required, self.field, self.sort = name, type, required, field or name, sort
        self.case = case  # "upper" or "lower": the service stores it so (countries, LEIs; domains)

    def parse(self, text: str):
        """The Python value of a cell's text; ValueError with the reason when it is not one."""
        if self.required and not text:
            raise ValueError(_("This column is required."))
        if self.case:
            text = text.upper() if self.case == "upper" else text.lower()
        parse = getattr(self, f"_parse_{self.type}")
        return parse(text)

    def show(self, value) -> str:
        """The text of a Python value, as an export writes it (and as a comparison sees it)."""
        if value is None:
            return ""
        if self.type == "list":
            items = [str(item) for item in value]
            return "; ".join(sorted(items) if self.sort else items)
        if self.type == "bool":
            return "true" if value else "false"
        if self.type == "decimal":
            return format(decimal.Decimal(value).normalize(), "f") if value != "" else ""
        return cell_text(value)

    # --- parsers ------------------------------------------------------------------------------------------------
    def _parse_text(self, text):
        return text

    def _parse_bool(self, text):
        lowered = text.lower()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
        raise ValueError(_("Not a yes/no value: %(value)r (use true or false).") % {"value": text})

    def _parse_int(self, text):
        if not text:
            return None
        try:
            number = int(text)
        except ValueError:
            raise ValueError(_("Not a whole number: %(value)r.") % {"value": text}) from None
        if number < 0:
            raise ValueError(_("Cannot be negative."))
        return number

    def _parse_decimal(self, text):
        if not text:
            return None
        try:
            return decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise ValueError(_("Not a number: %(value)r.") % {"value": text}) from None

    def _parse_date(self, text):
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text[:10] if "T" in text else text)
        except ValueError:
            raise ValueError(_("Not a date: %(value)r (use YYYY-MM-DD).") % {"value": text}) from None

    def _parse_list(self, text):
        items = [item.strip() for item in text.replace("\n", ";").split(";") if item.strip()]
        return sorted(items) if self.sort else items

    def _parse_notes(self, text):
        """Lines of `code: note`, one per category that has a note."""
        notes = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            code, sep, note = line.partition(":")
            if not sep:
                raise ValueError(_("Each line is 'category-code: note', not %(line)r.") % {"line": line})
            notes[code.strip()] = note.strip()
        return notes

    def show_notes(self, notes):
        return "\n".join(f"{code}: {note}" for code, note in sorted(notes.items()) if note)


def show(column, value):
    return column.show_notes(value or {}) if column.type == "notes" else column.show(value)
