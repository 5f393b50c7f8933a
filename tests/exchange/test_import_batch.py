"""The batched import gives exactly what the one-row services give, in a number of queries that does not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.datamap.models import DataFlow, DataFlowCategory, System
from apps.exchange import layout
from apps.exchange.importer import import_register
from apps.risk.models import TierChange
from apps.vendors.models import Vendor, VendorService
from tests.write_guard import writes_only_through_services

from .workbooks import csv_zip

pytestmark = pytest.mark.django_db

BATCHED_KINDS = (layout.VendorKind, layout.ServiceKind, layout.FlowKind)


def _sheets(prefix, vendors, flows_per_vendor=3):
    """A register named by `prefix`: every kind of answer, normalisation, a repeated key and an ended flow."""
    sheets = {
        "vendors": [["slug", "legal_name", "display_name", "domains", "hq_country", "category"]],
        "services": [["vendor", "slug", "name", "business_criticality", "production_access", "handles_secrets"]],
        "systems": [["slug", "name"], [f"{prefix}web", "Web"], [f"{prefix}crm", "CRM"]],
        "flows": [
            ["code", "system", "vendor", "service", "mechanism", "data_subjects", "storage_countries"]
            + ["estimated_records", "starts_on", "ends_on", "shared", "not_shared", "notes"]
        ],
    }
    answers = [
        ("email-address; name", "password", "email-address: hashed"),
        ("name", "", ""),
        ("password", "", "password: only the reset token"),
    ]
    for i in range(vendors):
        vendor = f"{prefix}v{i}"
        sheets["vendors"].append([vendor, f"V{i} Ltd", f"V{i}", f"V{i}.example.com; cdn.example", "ie", "analytics"])
        criticality = ("", "high", "critical")[i % 3]
        sheets["services"].append([vendor, "main", "Main", criticality, "true" if i % 2 else "false", "false"])
        for j in range(flows_per_vendor):
            shared, not_shared, notes = answers[(i + j) % len(answers)]
            ends_on = "2025-12-01" if (i, j) == (0, 0) else ""  # a new flow that ends: flow_create then flow_end
            sheets["flows"].append(
                [f"{prefix}f{i}-{j}", f"{prefix}{('web', 'crm')[j % 2]}", vendor, "main"]
                + [("server_api", "client_side_sdk")[j % 2], "users; staff", "IE; DE", str(1000 * (j + 1))]
                + ["2025-01-01", ends_on, shared, not_shared, notes]
            )
    sheets["vendors"].append([f"{prefix}v0", "V0 Ltd", "V zero", "", "IE", "analytics"])  # seen again: a change
    return sheets


def _import(sheets, actor, *, apply=True):
    return import_register(stream=csv_zip(sheets), filename="register.zip", actor=actor, apply=apply)


def _row_by_row(monkeypatch):
    for kind in BATCHED_KINDS:
        monkeypatch.setattr(kind, "batched", False)


def _history(model, prefix, field):
    rows = model.history.filter(**{f"{field}__startswith": prefix}).order_by(field, "history_id")
    return [(getattr(row, field).removeprefix(prefix), row.history_type, row.history_user_id) for row in rows]


def _snapshot(prefix):
    """The register a prefix names, with the prefix taken off: rows, answers, tiers, history, tier changes."""

    def cut(text):
        return text.removeprefix(prefix)

    vendors = Vendor.objects.filter(slug__startswith=prefix).order_by("slug")
    flows = DataFlow.objects.filter(code__startswith=prefix).select_related("system", "service", "vendor")
    fields = ("mechanism", "data_subjects", "storage_countries", "estimated_records", "starts_on", "ends_on")
    answers = DataFlowCategory.objects.filter(flow__code__startswith=prefix).select_related("flow", "category")
    return {
        "vendors": [
            (cut(v.slug), v.display_name, v.domains, v.hq_country, v.status, v.computed_tier, v.tier) for v in vendors
        ],
        "services": sorted(
            (cut(s.vendor.slug), s.slug, s.business_criticality, s.production_access)
            for s in VendorService.objects.filter(vendor__slug__startswith=prefix).select_related("vendor")
        ),
        "flows": sorted(
            (cut(f.code), cut(f.system.slug), cut(f.vendor.slug), f.service.slug, *(getattr(f, n) for n in fields))
            for f in flows
        ),
        "answers": sorted((cut(a.flow.code), a.category.code, a.sharing, a.note) for a in answers),
        "tier_changes": sorted(
            (cut(c.vendor.slug), c.from_tier, c.to_tier, c.cause, repr(c.inputs), c.changed_by_id)
            for c in TierChange.objects.filter(vendor__slug__startswith=prefix).select_related("vendor")
        ),
        "history": {
            "vendor": _history(Vendor, prefix, "slug"),
            "flow": _history(DataFlow, prefix, "code"),
            "system": _history(System, prefix, "slug"),
            "service": sorted(
                (row.slug, row.history_type, row.history_user_id)
                for row in VendorService.history.filter(vendor__slug__startswith=prefix)
            ),
            "answer": sorted(
                (
                    row.flow.code.removeprefix(prefix),
                    row.category_id,
                    row.sharing,
                    row.history_type,
                    row.history_user_id,
                )
                for row in DataFlowCategory.history.filter(flow__code__startswith=prefix)
            ),
        },
    }


def test_the_batch_path_gives_exactly_what_the_one_row_services_give(reviewer, catalogue, monkeypatch):
    with writes_only_through_services() as stray:
        batched = _import(_sheets("b-", vendors=6), reviewer)
    assert batched.ok and batched.applied, batched.errors
    assert stray == []

    _row_by_row(monkeypatch)
    one_by_one = _import(_sheets("r-", vendors=6), reviewer)
    assert one_by_one.ok and one_by_one.applied, one_by_one.errors

    counts = {name: (s.created, s.changed, s.unchanged) for name, s in batched.sheets.items()}
    assert counts == {name: (s.created, s.changed, s.unchanged) for name, s in one_by_one.sheets.items()}
    assert counts["vendors"] == (6, 1, 0) and counts["flows"] == (18, 0, 0)
    batch_register, reference = _snapshot("b-"), _snapshot("r-")
    assert batch_register["vendors"][0][1] == "V zero" and batch_register["vendors"][0][2] == []
    assert batch_register["vendors"][1][2:4] == (["v1.example.com", "cdn.example"], "IE")
    assert all(vendor[6] is not None for vendor in batch_register["vendors"])  # every vendor tiered
    assert ("f0-0", "email-address", "shared", "hashed") in batch_register["answers"]
    assert len(batch_register["history"]["answer"]) == 30  # 3, 1 and 1 answers in turn: one history row each
    assert batch_register == reference


def test_the_batch_path_refuses_what_the_one_row_services_refuse(reviewer, catalogue, monkeypatch):
    def broken(prefix):
        sheets = _sheets(prefix, vendors=4)
        sheets["vendors"][2][5] = "astrology"  # not a category: v1, then its service and flows, refused
        sheets["services"][4][3] = "vital"  # not a criticality (v3)
        sheets["flows"][1][10:13] = ["password", "authentication-secrets", ""]  # shared under a not-shared ancestor
        sheets["flows"][2][10] = "name; name"  # listed twice
        sheets["flows"][3][1] = f"{prefix}nowhere"  # no such system
        sheets["flows"][7][4] = "carrier_pigeon"  # not a mechanism (v2)
        return sheets

    batched = _import(broken("b-"), reviewer, apply=False)
    _row_by_row(monkeypatch)
    one_by_one = _import(broken("r-"), reviewer, apply=False)

    def where(report):
        return sorted((e.sheet, e.row, e.column, e.message.replace("r-", "b-")) for e in report.errors)

    assert not batched.ok and where(batched) == where(one_by_one)
    columns = {(e.sheet, e.row, e.column) for e in batched.errors}
    assert {("vendors", 3, "category"), ("services", 5, "business_criticality"), ("flows", 2, "shared")} <= columns
    assert {
        ("flows", 3, "shared"),
        ("flows", 4, "system"),
        ("flows", 8, "mechanism"),
        ("flows", 5, "vendor"),
    } <= columns
    assert not Vendor.objects.exists()


def test_re_importing_a_batched_register_writes_nothing(reviewer, catalogue):
    sheets = _sheets("b-", vendors=4)
    sheets["vendors"].pop()  # without the repeated row, the second import has nothing to change
    assert _import(sheets, reviewer).ok
    history = [Vendor.history.count(), DataFlow.history.count(), DataFlowCategory.history.count()]

    again = _import(sheets, reviewer)

    assert again.ok and all(s.created == s.changed == 0 for s in again.sheets.values())
    assert [Vendor.history.count(), DataFlow.history.count(), DataFlowCategory.history.count()] == history
    sheets["flows"][2][11] = "password"  # one flow's answers change: that flow alone, with history
    changed = _import(sheets, reviewer)
    assert changed.sheets["flows"].changed == 1 and changed.sheets["flows"].unchanged == 11
    assert DataFlowCategory.history.count() > history[2]


@pytest.mark.parametrize("apply", [True, False])
def test_the_queries_of_an_import_do_not_grow_with_its_rows(reviewer, catalogue, apply):
    def queries(prefix, vendors):
        sheets = _sheets(prefix, vendors=vendors)
        sheets["vendors"].pop()  # the repeated row is one more chunk: the same in both sizes, but kept out
        sheets["flows"][1][9] = ""  # no ended flow either: that one goes through flow_create and flow_end
        with CaptureQueriesContext(connection) as captured:
            report = _import(sheets, reviewer, apply=apply)
        assert report.ok, report.errors
        return len(captured)

    small, large = queries("s-", vendors=4), queries("l-", vendors=16)
    assert small == large
    assert large < 120  # 16 vendors, 16 services, 48 flows, ~64 answers and their tiers
