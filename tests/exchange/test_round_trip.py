"""The whole-register export re-imports to the same register, in every format that re-imports."""

import io
import json

import pytest
from django.core.management import call_command

from apps.datamap.models import DataFlow, DataFlowCategory
from apps.exchange.exporter import export_register
from apps.exchange.importer import import_register
from apps.vendors.models import Vendor
from tests.write_guard import writes_only_through_services

from .workbooks import register_sheets, xlsx

pytestmark = pytest.mark.django_db


def _history_rows():
    return Vendor.history.count() + DataFlow.history.count() + DataFlowCategory.history.count()


@pytest.fixture
def register(reviewer, catalogue):
    report = import_register(stream=xlsx(register_sheets()), filename="r.xlsx", actor=reviewer, apply=True)
    assert report.ok, report.errors


@pytest.mark.parametrize(("fmt", "filename"), [("xlsx", "register.xlsx"), ("csv", "register.zip")])
def test_an_export_reimports_to_the_same_register(register, reviewer, fmt, filename):
    first, before = io.BytesIO(), io.BytesIO()
    export_register(first, fmt=fmt)
    export_register(before, fmt="json")
    history = _history_rows()

    first.seek(0)
    with writes_only_through_services() as stray:
        report = import_register(stream=first, filename=filename, actor=reviewer, apply=True)

    assert report.ok and stray == [], report.errors
    assert {name: (s.created, s.changed) for name, s in report.sheets.items()} == dict.fromkeys(report.sheets, (0, 0))
    assert report.sheets["flows"].unchanged == 1 and report.sheets["subprocessors"].unchanged == 1
    assert _history_rows() == history
    again = io.BytesIO()
    export_register(again, fmt="json")
    assert json.loads(again.getvalue()) == json.loads(before.getvalue())


def test_an_export_puts_back_what_changed_since(register, reviewer):
    exported = io.BytesIO()
    export_register(exported, fmt="xlsx")
    from apps.vendors.services import vendor_update

    vendor_update(vendor=Vendor.objects.get(slug="cloudhost"), actor=reviewer, display_name="Renamed")

    exported.seek(0)
    report = import_register(stream=exported, filename="r.xlsx", actor=reviewer, apply=True)

    assert report.sheets["vendors"].changed == 1
    assert Vendor.objects.get(slug="cloudhost").display_name == "CloudHost"


def test_json_export_holds_every_sheet_in_the_import_layout(register):
    out = io.BytesIO()
    export_register(out, fmt="json")
    data = json.loads(out.getvalue())
    flows = data["sheets"]["flows"]
    assert flows[0]["shared"] == "email-address; name" and flows[0]["not_shared"] == "password"
    assert flows[0]["notes"] == "email-address: hashed before sending"
    assert {row["slug"] for row in data["sheets"]["vendors"]} == {"acme-analytics", "cloudhost"}


def test_the_template_has_every_sheet_and_no_rows(register, tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("import_template", "--output", str(path), stdout=io.StringIO())
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    assert {"vendors", "services", "contracts", "flows", "subprocessors", "arrangements"} <= set(book.sheetnames)
    assert list(book["vendors"].iter_rows(values_only=True)) == [
        ("slug", "legal_name", "display_name", "website", "domains", "hq_country", "category", "description")
    ]


def test_the_export_command_writes_each_format(register, tmp_path):
    for fmt, ext in (("xlsx", "xlsx"), ("csv", "zip"), ("json", "json")):
        path = tmp_path / f"out.{ext}"
        call_command("export_register", "--format", fmt, "--output", str(path), stdout=io.StringIO())
        assert path.stat().st_size > 100
