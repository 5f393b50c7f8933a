"""Filters for the report structures the workspace pages read (ISO strings and raw codes become words)."""

import datetime
import html

from django import template
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.incidents.choices import ExposureStatus, SourceKind

register = template.Library()


@register.filter
def when(value):
    """An ISO date or datetime from a report as people read it: 2025-11-09 14:05 UTC, or the date alone."""
    if not value:
        return ""
    try:
        parsed = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return value
    if len(str(value)) <= 10:
        return parsed.strftime("%Y-%m-%d")
    parsed = parsed.astimezone(datetime.UTC)
    return (
        parsed.strftime("%Y-%m-%d") if (parsed.hour, parsed.minute) == (0, 0) else parsed.strftime("%Y-%m-%d %H:%M UTC")
    )


@register.filter
def source_kind(value):
    try:
        return SourceKind(value).label
    except ValueError:
        return value


@register.filter
def claim_value(value):
    """A claim's value as people read it: an exposure status by its label ("Not exposed", in the page's
    language), any other value (a date, an attacker's name) as the source put it."""
    return ExposureStatus(value).label if value in ExposureStatus.values else value


@register.filter
def get_item(mapping, key):
    return mapping.get(key, [])


@register.filter
def checkboxes(field):
    """A CheckboxSelectMultiple's options as the widget would draw them (`<input>` then its `<label>`, ids
    `<auto_id>_<index>`), in one pass: the widget renders a template per option, which for a 200-flow vendor was
    most of its page's time. Each value is escaped as format_html would (conditional_escape), with the standard
    library's escape called directly: format_html's lazy-aware wrappers per value were most of what was left."""
    selected = {str(value) for value in (field.value() or ())}
    name = _escaped(field.html_name)
    parts = []
    for index, (value, label) in enumerate(field.field.choices):
        value = str(getattr(value, "value", value))
        option_id = _escaped(f"{field.auto_id}_{index}")
        checked = " checked" if value in selected else ""
        parts.append(
            f'<div class="check"><input type="checkbox" name="{name}" value="{_escaped(value)}" id="{option_id}"'
            f'{checked}> <label for="{option_id}">{_escaped(label)}</label></div>'
        )
    if not parts:
        return format_html("<p>{}</p>", "Nothing to choose.")
    return mark_safe("".join(parts))  # noqa: S308 - every value above went through _escaped


def _escaped(value):
    """conditional_escape(value) as a plain str: safe text kept, anything else HTML-escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
