"""Selects drawn in Python: Django's widgets render one template per <option>, which made the incident page's two
46-category pickers most of its time. The markup is the stock widgets' own (same attributes, same order)."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString


class FastSelectMixin:
    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        str(option["value"]),
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        # Every piece above went through format_html, which escapes what it is given.
        return SafeString("".join(parts))


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


FAST = {forms.Select: FastSelect, forms.SelectMultiple: FastSelectMultiple}


def use_fast_selects(form):
    """Swap each plain Select / SelectMultiple of `form` for its fast twin, keeping attributes and choices."""
    for field in form.fields.values():
        fast = FAST.get(type(field.widget))
        if fast is None:
            continue
        old = field.widget
        new = fast(attrs=old.attrs, choices=old.choices)
        new.is_required = old.is_required
        field.widget = new
