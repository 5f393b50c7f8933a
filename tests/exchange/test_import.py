"""The bulk import: dry run first, errors by sheet/row/column, all or nothing, idempotent, through the services."""

import io

import pytest
from django.core.management import CommandError, call_command

from apps.datamap.models import DataFlow, DataFlowCategory, System
from apps.exchange.importer import import_register
from apps.vendors.models import Contact, Contract, Document, Subprocessor, Vendor, VendorService
from tests.write_guard import writes_only_through_services

from .workbooks import csv_zip, register_sheets, xlsx

pytestmark = pytest.mark.django_db


def _import(sheets, reviewer, *, apply, maker=xlsx):
    return import_register(stream=maker(sheets), filename="register.xlsx", actor=reviewer, apply=apply)


def test_a_dry_run_previews_and_writes_nothing(reviewer, catalogue):
    report = _import(register_sheets(), reviewer, apply=False)

    assert report.ok and not report.applied
    assert report.sheets["vendors"].created == 2
    assert report.sheets["flows"].preview["created"] == [{"key": "console-to-acme"}]
    assert not Vendor.objects.exists() and not DataFlow.objects.exists()


def test_applying_writes_every_kind_through_the_services(reviewer, catalogue):
    with writes_only_through_services() as stray:
        report = _import(register_sheets(), reviewer, apply=True)

    assert report.ok and report.applied, report.errors
    assert stray == []
    acme = Vendor.objects.get(slug="acme-analytics")
    assert acme.status == "proposed" and acme.hq_country == "US" and acme.domains == ["acme.example.com"]
    assert acme.tier is not None  # the tier was computed from the imported flow, once
    assert VendorService.objects.get(vendor=acme, slug="web-analytics").business_criticality == "high"
    assert Contact.objects.get(vendor=acme).is_security_contact is True
    contract = Contract.objects.get(vendor=acme)
    assert (contract.breach_notification_hours, contract.audit_rights, str(contract.annual_value)) == (
        48,
        True,
        "12000.50",
    )
    assert Document.objects.filter(vendor=acme, kind="soc2_type2").exists()
    flow = DataFlow.objects.get(code="console-to-acme")
    assert flow.storage_countries == ["US", "IE"] and flow.data_subjects == ["API users"]
    answers = {(row.category.code, row.sharing, row.note) for row in DataFlowCategory.objects.filter(flow=flow)}
    assert answers == {
        ("email-address", "shared", "hashed before sending"),
        ("name", "shared", ""),
        ("password", "not_shared", ""),
    }
    link = Subprocessor.objects.get(vendor=acme)
    assert link.subprocessor.slug == "cloudhost" and [s.slug for s in link.services.all()] == ["web-analytics"]
    assert acme.history.first().history_user == reviewer


def test_csv_zip_imports_the_same(reviewer, catalogue):
    report = _import(register_sheets(), reviewer, apply=True, maker=csv_zip)
    assert report.ok and report.applied
    assert System.objects.filter(slug="console").exists()


def test_importing_the_same_file_again_changes_nothing(reviewer, catalogue):
    _import(register_sheets(), reviewer, apply=True)
    history_before = Vendor.history.count() + DataFlow.history.count() + DataFlowCategory.history.count()

    with writes_only_through_services():
        report = _import(register_sheets(), reviewer, apply=True)

    assert report.ok
    assert all(sheet.created == sheet.changed == 0 for sheet in report.sheets.values())
    assert report.sheets["flows"].unchanged == 1 and report.sheets["vendors"].unchanged == 2
    assert Vendor.history.count() + DataFlow.history.count() + DataFlowCategory.history.count() == history_before


def test_a_changed_row_updates_through_the_services_with_history(reviewer, catalogue):
    _import(register_sheets(), reviewer, apply=True)
    sheets = register_sheets()
    sheets["vendors"][1][2] = "Acme Analytics"  # display name
    sheets["flows"][1][8] = ""  # password no longer recorded as not shared
    sheets["contracts"][1][4] = "24"

    with writes_only_through_services() as stray:
        report = _import(sheets, reviewer, apply=True)

    assert report.ok and stray == []
    assert report.sheets["vendors"].changed == 1 and report.sheets["vendors"].unchanged == 1
    assert report.sheets["vendors"].preview["changed"] == [{"key": "acme-analytics", "fields": ["display_name"]}]
    acme = Vendor.objects.get(slug="acme-analytics")
    assert acme.display_name == "Acme Analytics"
    latest = acme.history.first()
    assert latest.history_user == reviewer and latest.prev_record.display_name == "Acme"
    assert Contract.objects.get(reference="acme-msa").breach_notification_hours == 24
    assert not DataFlowCategory.objects.filter(flow__code="console-to-acme", category__code="password").exists()


def test_errors_in_three_sheets_are_all_named_and_nothing_is_written(reviewer, catalogue):
    sheets = register_sheets()
    sheets["vendors"][2][6] = "astrology"  # category not a choice
    sheets["contracts"][1][2] = "01/02/2024"  # not an ISO date
    sheets["flows"][1][7] = "email-address; no-such-category"

    report = _import(sheets, reviewer, apply=True)

    assert not report.ok and not report.applied
    where = {(error.sheet, error.row, error.column) for error in report.errors}
    assert ("vendors", 3, "category") in where
    assert ("contracts", 2, "starts_on") in where
    assert ("flows", 2, "shared") in where
    messages = {error.column: error.message for error in report.errors}
    assert "no-such-category" in messages["shared"] and "YYYY-MM-DD" in messages["starts_on"]
    assert not Vendor.objects.exists() and not DataFlow.objects.exists() and not Contract.objects.exists()


def test_unknown_columns_and_sheets_are_errors(reviewer, catalogue):
    sheets = {"vendors": [["slug", "colour"], ["x", "red"]], "widgets": [["a"], ["b"]]}
    report = _import(sheets, reviewer, apply=False)
    where = {(error.sheet, error.row, error.column) for error in report.errors}
    assert ("vendors", 1, "colour") in where and ("vendors", 1, "legal_name") in where
    assert ("widgets", None, None) in where


def test_a_flow_end_date_ends_it_once(reviewer, catalogue):
    _import(register_sheets(), reviewer, apply=True)
    sheets = register_sheets()
    sheets["flows"][0].append("ends_on")
    sheets["flows"][1].append("2025-11-26")
    assert _import(sheets, reviewer, apply=True).ok
    assert str(DataFlow.objects.get(code="console-to-acme").ends_on) == "2025-11-26"
    sheets["flows"][1][-1] = "2025-12-01"
    report = _import(sheets, reviewer, apply=True)
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [("flows", 2, "ends_on")]


def test_the_command_dry_runs_unless_told_to_apply(reviewer, catalogue, tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_bytes(xlsx(register_sheets()).getvalue())
    out = io.StringIO()
    call_command("import_register", str(path), stdout=out)
    assert "dry run" in out.getvalue() and not Vendor.objects.exists()
    call_command("import_register", str(path), "--apply", "--user", "reviewer", stdout=out)
    assert Vendor.objects.count() == 2

    broken = register_sheets()
    broken["vendors"][1][6] = "astrology"
    path.write_bytes(xlsx(broken).getvalue())
    with pytest.raises(CommandError, match="vendors, row 2, column category"):
        call_command("import_register", str(path), "--apply", stdout=io.StringIO(), stderr=io.StringIO())
