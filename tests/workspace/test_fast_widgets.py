"""The workspace's Python-drawn selects and checkboxes give the same markup as Django's template widgets."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.test.html import parse_html

from apps.workspace.widgets import FastSelect, FastSelectMultiple
from tests.factories.datamap import DataCategoryFactory


class Picker(forms.Form):
    one = forms.ChoiceField(choices=[("a", "A & co"), ("b", "<b>")])
    grouped = forms.ChoiceField(required=False, choices=[("Group", [("x", "X"), ("y", "Y")]), ("z", "Z")])
    many = forms.ModelMultipleChoiceField(queryset=None, widget=forms.SelectMultiple(attrs={"size": 4}))
    boxes = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two <2>")], widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, fast, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.datamap.models import DataCategory

        self.fields["many"].queryset = DataCategory.objects.order_by("code")
        if fast:
            for name, widget in (("one", FastSelect), ("grouped", FastSelect), ("many", FastSelectMultiple)):
                old = self.fields[name].widget
                self.fields[name].widget = widget(attrs=old.attrs, choices=old.choices)
                self.fields[name].widget.is_required = old.is_required


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"one": "b", "grouped": "y", "boxes": ["2"]}])
def test_fast_selects_draw_what_the_stock_widgets_draw(data):
    categories = [DataCategoryFactory(code=code) for code in ("email", "ip", "name")]
    if data is not None:
        data = {**data, "many": [categories[0].pk, categories[2].pk]}
    stock, fast = Picker(data, fast=False), Picker(data, fast=True)
    for name in ("one", "grouped", "many"):
        assert parse_html(str(fast[name])) == parse_html(str(stock[name])), name
    if data is not None:
        assert 'value="b" selected' in str(fast["one"]) and "&lt;b&gt;" in str(fast["one"])


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"boxes": ["2"]}])
def test_checkboxes_draw_the_stock_inputs_and_labels(data):
    form = Picker(data, fast=False)
    ours = Template("{% load workspace %}{{ field|checkboxes }}").render(Context({"field": form["boxes"]}))
    stock = "".join(
        f'<div class="check">{choice.tag()} <label for="{choice.id_for_label}">{choice.choice_label}</label></div>'
        for choice in form["boxes"]
    )
    stock = re.sub(r"\s+(checked|required)>", r" \1>", stock)
    assert parse_html(ours) == parse_html(stock.replace("Two <2>", "Two &lt;2&gt;"))
