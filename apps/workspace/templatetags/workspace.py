"""Filters for the report structures the workspace pages read (ISO strings and raw codes become words)."""

import datetime

from django import template
from django.utils.html import format_html, format_html_join

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
    most of its page's time."""
    selected = {str(value) for value in (field.value() or ())}
    options = []
    for index, (value, label) in enumerate(field.field.choices):
        value = str(getattr(value, "value", value))
        option_id = f"{field.auto_id}_{index}"
        options.append((field.html_name, value, option_id, " checked" if value in selected else "", option_id, label))
    if not options:
        return format_html("<p>{}</p>", "Nothing to choose.")
    return format_html_join(
        "",
        '<div class="check"><input type="checkbox" name="{}" value="{}" id="{}"{}> <label for="{}">{}</label></div>',
        options,
    )
