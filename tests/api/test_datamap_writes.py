"""Flow and system writes through the API: the datamap services, one tier recompute per write, per role."""

import pytest

from apps.datamap.models import DataFlow, DataFlowCategory, System
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.vendors import VendorServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recomputes(monkeypatch):
    """Counts calls of the tier recompute (and still runs it)."""
    from apps.register import handlers

    calls = []
    real = handlers.tiers_recompute_all

    def counting(**kwargs):
        calls.extend(sorted(set(kwargs["vendor_ids"])))  # each vendor recomputed once per call
        return real(**kwargs)

    monkeypatch.setattr(handlers, "tiers_recompute_all", counting)
    return calls


@pytest.fixture
def setting():
    service = VendorServiceFactory(vendor__slug="pixel", slug="analytics")
    system = SystemFactory(slug="console")
    codes = [DataCategoryFactory(code=f"cat-{i}").code for i in range(6)]
    return service, system, codes


def flow_body(codes, **extra):
    return {
        "code": "console-to-pixel",
        "system": "console",
        "vendor": "pixel",
        "service": "analytics",
        "mechanism": "client_side_sdk",
        "categories": [{"category": code, "sharing": "shared", "note": ""} for code in codes],
        **extra,
    }


def test_reviewer_creates_a_flow_with_its_categories_and_one_tier_recompute(api, reviewer, setting, recomputes):
    service, _, codes = setting
    response = api(reviewer).post("/api/v1/data-flows/", flow_body(codes[:2]), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["vendor"], body["service"]) == ("pixel", "analytics")
    assert sorted(row["code"] for row in body["categories"]) == codes[:2]
    assert recomputes == [service.vendor_id]
    service.vendor.refresh_from_db()
    assert service.vendor.tier is not None


def test_flow_write_queries_grow_only_by_the_per_row_writes(
    api, reviewer, setting, recomputes, django_assert_max_num_queries
):
    _, _, codes = setting
    client = api(reviewer)

    def queries_for(n, code):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.post("/api/v1/data-flows/", flow_body(codes[:n], code=code), format="json")
        assert response.status_code == 201
        return len(captured)

    # The vendor's first flow gives it a tier (a tier change, its requirements) and the dashboard its categories
    # (summary and counter writes, only when what the vendor receives changes): once only, so all five here.
    queries_for(5, "f0")
    one, three, five = queries_for(1, "f1"), queries_for(3, "f3"), queries_for(5, "f5")
    per_row = (three - one) // 2
    assert five - three == three - one  # linear: a fixed cost per category row, nothing else grows
    assert per_row <= 8  # look-up, checks, insert and its history row
    assert len(recomputes) == 4  # one recompute per write, whatever the number of categories
    with django_assert_max_num_queries(one + 5 * per_row):
        client.patch(f"/api/v1/data-flows/{DataFlow.objects.get(code='f1').pk}/", {"purpose": "x"}, format="json")


def test_contradictory_categories_are_400_naming_categories_and_nothing_is_written(api, reviewer, setting):
    _, _, codes = setting
    parent = DataCategoryFactory(code="secrets")
    DataCategoryFactory(code="password", parent=parent)
    body = flow_body([])
    body["categories"] = [
        {"category": "secrets", "sharing": "not_shared", "note": "per notice"},
        {"category": "password", "sharing": "shared"},
    ]
    response = api(reviewer).post("/api/v1/data-flows/", body, format="json")
    assert response.status_code == 400
    assert "cannot be shared" in response.json()["categories"][0]
    assert not DataFlow.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"service": "nope"}, "service"),
        ({"mechanism": "telepathy"}, "mechanism"),
        ({"categories": [{"category": "unknown", "sharing": "shared"}]}, "categories"),
        ({"categories": [{"category": "cat-0", "sharing": "maybe"}]}, "categories"),
        ({"ends_on": "2026-01-01"}, "ends_on"),
    ],
)
def test_bad_flow_input_is_400_naming_the_field(api, reviewer, setting, change, field):
    _, _, codes = setting
    response = api(reviewer).post("/api/v1/data-flows/", {**flow_body(codes[:1]), **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not DataFlow.objects.exists()


def test_patch_replaces_the_categories_and_recomputes_once(api, reviewer, setting, recomputes):
    service, system, codes = setting
    flow = DataFlowFactory(code="f", service=service, system=system)
    body = {"categories": [{"category": codes[0], "sharing": "not_shared", "note": "no"}]}
    response = api(reviewer).patch(f"/api/v1/data-flows/{flow.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    assert [(r["code"], r["sharing"], r["note"]) for r in response.json()["categories"]] == [
        (codes[0], "not_shared", "no")
    ]
    assert recomputes == [service.vendor_id]


def test_ending_a_flow_keeps_it_and_a_second_end_is_409(api, reviewer, setting):
    service, system, _ = setting
    flow = DataFlowFactory(service=service, system=system)
    client = api(reviewer)
    response = client.post(f"/api/v1/data-flows/{flow.pk}/end/", {"ends_on": "2025-11-27"}, format="json")
    assert response.status_code == 200
    assert response.json()["ends_on"] == "2025-11-27"
    again = client.post(f"/api/v1/data-flows/{flow.pk}/end/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "flow_ended"
    assert DataFlow.objects.get(pk=flow.pk).ends_on.isoformat() == "2025-11-27"


def test_a_flow_cannot_end_before_it_starts(api, reviewer, setting):
    service, system, _ = setting
    flow = DataFlowFactory(service=service, system=system, starts_on="2025-01-01")
    response = api(reviewer).post(f"/api/v1/data-flows/{flow.pk}/end/", {"ends_on": "2024-01-01"}, format="json")
    assert response.status_code == 400
    assert "ends_on" in response.json()


@pytest.mark.parametrize("role", ["dashboard_user", "buyer"])
def test_other_roles_cannot_write_the_data_map(api, request, setting, role):
    user = request.getfixturevalue(role)
    service, system, codes = setting
    flow = DataFlowFactory(service=service, system=system)
    client = api(user)
    assert client.post("/api/v1/data-flows/", flow_body(codes[:1], code="x"), format="json").status_code == 403
    assert client.patch(f"/api/v1/data-flows/{flow.pk}/", {"purpose": "x"}, format="json").status_code == 403
    assert client.post(f"/api/v1/data-flows/{flow.pk}/end/", {}, format="json").status_code == 403
    assert client.post("/api/v1/systems/", {"slug": "s", "name": "S"}, format="json").status_code == 403
    assert DataFlow.objects.count() == 1 and DataFlowCategory.objects.count() == 0
    assert not System.objects.filter(slug="s").exists()


def test_reviewer_creates_and_updates_a_system(api, reviewer):
    client = api(reviewer)
    response = client.post("/api/v1/systems/", {"slug": "billing", "name": "Billing", "owner": "reviewer"})
    assert response.status_code == 201, response.json()
    system = System.objects.get(slug="billing")
    assert system.history.get().history_user == reviewer
    response = client.patch(f"/api/v1/systems/{system.pk}/", {"name": "Billing v2"}, format="json")
    assert response.status_code == 200
    assert client.post("/api/v1/systems/", {"slug": "billing", "name": "Again"}).status_code == 400
