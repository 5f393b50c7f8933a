"""Form fields for the register's list columns (JSON lists in the database), as people type them.

A reviewer types "customers" or "customers, prospects", one per line or separated by commas, not `["customers"]`;
countries are picked from the ISO 3166 list (several at once) and validated against it.
"""

from django import forms
from django_countries import countries

# JSON list columns of the register, by field name: the same names mean the same thing in every app.
TEXT_LIST_FIELDS = frozenset({"data_subjects", "domains"})
COUNTRY_LIST_FIELDS = frozenset({"processing_countries", "storage_countries"})


class TextListField(forms.CharField):
    """A list of short texts: one per line or comma-separated; blanks and repeats dropped, order kept."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def __init__(self, *, encoder=None, decoder=None, **kwargs):  # JSONField passes these; a list needs neither
        kwargs.setdefault("help_text", "One per line, or separated by commas.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            items = [str(item) for item in value]
        else:
            text = super().to_python(value) or ""
            items = [part for line in text.splitlines() for part in line.split(",")]
        return list(dict.fromkeys(item.strip() for item in items if item.strip()))

    def has_changed(self, initial, data):
        return self.to_python(initial or []) != self.to_python(data)


class CountryListField(forms.TypedMultipleChoiceField):
    """ISO 3166-1 alpha-2 codes chosen from the list by name; anything else is refused naming the field."""

    def __init__(self, *, encoder=None, decoder=None, max_length=None, empty_value=None, **kwargs):
        kwargs.setdefault("help_text", "Choose one or more (Ctrl or Cmd to pick several).")
        super().__init__(choices=lambda: [(code, f"{name} ({code})") for code, name in countries], **kwargs)
        self.widget.attrs.setdefault("size", 8)

    def prepare_value(self, value):
        return [str(code).upper() for code in value or []]

    def to_python(self, value):
        return [str(code).strip().upper() for code in super().to_python(value)]


def list_formfield(db_field, **kwargs):
    """The people-friendly form field for a known JSON list column, or None for any other column."""
    options = {"required": not db_field.blank, "label": db_field.verbose_name.capitalize(), **kwargs}
    options.pop("widget", None)
    if db_field.name in TEXT_LIST_FIELDS:
        return TextListField(**options)
    if db_field.name in COUNTRY_LIST_FIELDS:
        return CountryListField(**options)
    return None
