import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings

from apps.datamap.models import DataFlow, DataFlowCategory
from apps.reports.builders import build_dataflow_report, build_incident_report
from apps.reports.renderers import render
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.incidents import IncidentExposureFactory, IncidentFactory
from tests.factories.vendors import ContractFactory, SubprocessorFactory, VendorFactory, VendorServiceFactory

from .conftest import NOT_SHARED, SHARED

SCHEMA = json.loads((Path(settings.BASE_DIR) / "apps" / "reports" / "schema.json").read_text())


def test_json_carries_the_six_shared_categories_and_the_not_shared_list(mixpanel):
    vendor, _ = mixpanel
    report = json.loads(render(build_dataflow_report(vendor=vendor), "json")[0])

    assert report["vendor"]["name"] == "Mixpanel"
    assert report["vendor"]["slug"] == "mixpanel"
    [flow] = report["flows"]
    assert flow["system"]["name"] == "API console front end"
    assert flow["mechanism"] == "client_side_sdk"
    assert {c["code"] for c in flow["shared"]} == set(SHARED)
    assert {c["code"] for c in flow["not_shared"]} == set(NOT_SHARED)
    assert all({"code", "name", "sensitivity"} <= set(c) for c in flow["shared"] + flow["not_shared"])
    assert report["contracts"][0]["breach_notification_hours"] == 72
    assert [i["slug"] for i in report["incidents"]] == ["mixpanel-2025-11"]
    assert {c["code"] for c in report["incidents"][0]["exposure"]["exposed"]} == set(SHARED)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_md_and_html_name_every_shared_and_not_shared_category(mixpanel, fmt):
    vendor, _ = mixpanel
    report = build_dataflow_report(vendor=vendor)
    text, _ = render(report, fmt)
    flow = report["flows"][0]
    for category in flow["shared"] + flow["not_shared"]:
        assert f"{category['code']}" in text
    assert "Explicitly not shared" in text
    if fmt == "html":
        # The not-shared rows are marked as such, not just listed somewhere in the page.
        assert text.count('class="not-shared"') == len(NOT_SHARED)
        assert text.count('class="shared"') == len(SHARED)


def test_csv_has_one_row_per_flow_and_category(mixpanel):
    vendor, _ = mixpanel
    text, content_type = render(build_dataflow_report(vendor=vendor), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))

    assert content_type.startswith("text/csv")
    assert {r["category_code"] for r in rows if r["sharing"] == "shared"} == set(SHARED)
    assert {r["category_code"] for r in rows if r["sharing"] == "not_shared"} == set(NOT_SHARED)
    assert len(rows) == len(SHARED) + len(NOT_SHARED)


def test_csv_neutralises_spreadsheet_formulas(db):
    category = DataCategoryFactory(code="evil", name='=HYPERLINK("http://x")')
    flow = DataFlowFactory(shared=[category])
    text, _ = render(build_dataflow_report(vendor=flow.vendor), "csv")
    assert "'=HYPERLINK" in text


def test_both_reports_match_the_documented_schema(mixpanel):
    vendor, incident = mixpanel
    for report in (build_dataflow_report(vendor=vendor), build_incident_report(incident=incident)):
        jsonschema.validate(json.loads(render(report, "json")[0]), SCHEMA)


def test_schema_rejects_a_report_missing_a_key_other_tools_rely_on(mixpanel):
    vendor, _ = mixpanel
    report = json.loads(render(build_dataflow_report(vendor=vendor), "json")[0])
    del report["flows"][0]["not_shared"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, SCHEMA)


def test_html_is_self_contained(mixpanel):
    vendor, _ = mixpanel
    text, _ = render(build_dataflow_report(vendor=vendor), "html")
    assert "<svg" in text
    assert "<script" not in text
    assert 'style="' not in text
    for attribute in ('src="http', "src='http", 'href="http', "@import", "url(http"):
        assert attribute not in text


def test_svg_labels_edges_with_categories_and_reaches_subprocessors(db):
    vendor = VendorFactory(slug="acme", display_name="Acme")
    service = VendorServiceFactory(vendor=vendor)
    email = DataCategoryFactory(code="email-address", name="Email address")
    DataFlowFactory(service=service, system=SystemFactory(name="Web shop"), shared=[email])
    link = SubprocessorFactory(vendor=vendor, subprocessor=VendorFactory(slug="cloudy", display_name="Cloudy"))
    link.services.add(service)

    report = build_dataflow_report(vendor=vendor)
    text, _ = render(report, "html")
    svg = text[text.index("<svg") : text.index("</svg>")]

    assert ">Web shop<" in svg and ">Acme<" in svg and ">Cloudy<" in svg
    assert svg.count("<line") == 2
    assert svg.count(">Email address<") == 2
    assert report["subprocessors"][0]["categories"][0]["code"] == "email-address"


def test_tier_and_why_come_from_the_latest_tier_change(db):
    from apps.risk.models import TierChange

    vendor = VendorFactory(tier=2, computed_tier=2)
    TierChange.objects.create(vendor=vendor, from_tier=None, to_tier=3, cause="computed", inputs={"reasons": ["old"]})
    TierChange.objects.create(
        vendor=vendor, from_tier=3, to_tier=2, cause="computed", inputs={"reasons": ["client-side script in pages"]}
    )
    report = build_dataflow_report(vendor=vendor)
    assert report["vendor"]["tier"] == 2
    assert report["vendor"]["tier_reasons"] == ["client-side script in pages"]


def _vendor_with(flows, categories):
    """A vendor with `flows` flows each carrying every one of `categories` categories (bulk: this is a scale test)."""
    vendor = VendorFactory()
    service = VendorServiceFactory(vendor=vendor)
    ContractFactory(vendor=vendor)
    SubprocessorFactory(vendor=vendor).services.add(service)
    catalogue = [DataCategoryFactory() for _ in range(categories)]
    systems = [SystemFactory() for _ in range(5)]
    prefix = vendor.slug
    created = DataFlow.objects.bulk_create(
        DataFlow(
            code=f"{prefix}-flow-{i}", system=systems[i % 5], service=service, vendor=vendor, mechanism="server_api"
        )
        for i in range(flows)
    )
    DataFlowCategory.objects.bulk_create(
        DataFlowCategory(flow=flow, category=category, sharing="shared" if i % 3 else "not_shared")
        for flow in created
        for i, category in enumerate(catalogue)
    )
    incident = IncidentFactory(vendor=vendor)
    for category in catalogue[:5]:
        IncidentExposureFactory(incident=incident, category=category)
    incident.affected_flows.add(*created)
    return vendor, incident


def test_query_count_does_not_grow_with_flows_and_categories(db, django_assert_max_num_queries):
    small_vendor, small_incident = _vendor_with(flows=20, categories=5)
    big_vendor, big_incident = _vendor_with(flows=200, categories=50)

    with django_assert_max_num_queries(12) as small:
        build_dataflow_report(vendor=small_vendor)
    with django_assert_max_num_queries(len(small.captured_queries)):
        report = build_dataflow_report(vendor=big_vendor)
    assert (
        len(report["flows"]) == 200 and len(report["flows"][0]["shared"]) + len(report["flows"][0]["not_shared"]) == 50
    )

    # 16: the incident report also reads its claims (for "register as of") and its notice approvals (issue 16).
    with django_assert_max_num_queries(16) as small:
        build_incident_report(incident=small_incident)
    with django_assert_max_num_queries(len(small.captured_queries)):
        report = build_incident_report(incident=big_incident)
    assert len(report["flows"]) == 200


def test_shows_the_workflow_state_tier_requirements_and_reviews(mixpanel):
    vendor, _ = mixpanel
    report = build_dataflow_report(vendor=vendor)

    assert report["vendor"]["tier"] == vendor.tier is not None
    assert report["vendor"]["tier_reasons"], "the tier comes with the reasons of its latest change"
    assert report["vendor"]["status"] == vendor.status
    assert {r["code"] for r in report["requirements"]} == set(
        vendor.requirement_statuses.values_list("requirement__code", flat=True)
    )
    assert report["requirements"]
    assert [(r["kind"], r["state"]) for r in report["reviews"]] == list(
        vendor.reviews.order_by("-created_at").values_list("kind", "state")
    )
    assert "breach-notification-72h" in render(report, "md")[0]
