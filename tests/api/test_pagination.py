"""The big lists (vendors, data flows) count exactly up to a cap, then estimate; every page stays reachable."""

import pytest
from django.db import connection

from apps.api.pagination import CappedCountPaginator
from apps.vendors.models import Vendor
from tests.factories.vendors import VendorFactory

URL = "/api/v1/vendors/"


@pytest.fixture
def five_vendors():
    return [VendorFactory(slug=f"acme-{i}", display_name=f"Acme {i}") for i in range(5)]


def test_small_lists_count_exactly(api, reviewer, five_vendors):
    body = api(reviewer).get(URL, {"page_size": 2}).json()
    assert (body["count"], body["count_is_exact"]) == (5, True)
    assert [row["slug"] for row in body["results"]] == ["acme-0", "acme-1"]
    last = api(reviewer).get(URL, {"page_size": 2, "page": 3}).json()
    assert [row["slug"] for row in last["results"]] == ["acme-4"]
    assert last["next"] is None


def test_above_the_cap_a_filtered_count_is_a_lower_bound_and_every_page_is_reachable(
    api, reviewer, five_vendors, monkeypatch
):
    monkeypatch.setattr(CappedCountPaginator, "count_cap", 2)
    client = api(reviewer)
    body = client.get(URL, {"page_size": 2, "slug": "acme-3"}).json()
    assert (body["count"], body["count_is_exact"]) == (1, True)  # under the cap: still exact

    first = client.get(URL, {"page_size": 2, "search": "acme"}).json()
    # "More than 2": the cap plus one, or on PostgreSQL the planner's estimate when it is far above the cap (an
    # un-analysed table's guess is a few dozen rows); never claimed exact.
    assert first["count_is_exact"] is False
    assert first["count"] == 3 if connection.vendor != "postgresql" else first["count"] >= 3
    slugs, page = [], first
    while True:
        slugs += [row["slug"] for row in page["results"]]
        if page["next"] is None:
            break
        page = client.get(page["next"]).json()
    assert slugs == [f"acme-{i}" for i in range(5)]  # beyond what the capped count alone would allow
    assert client.get(URL, {"page_size": 2, "search": "acme", "page": 4}).status_code == 404
    assert client.get(URL, {"page_size": 2, "page": 0}).status_code == 404


def test_capped_count_query_count_is_one(db, django_assert_num_queries, five_vendors, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "count_cap", 2)
    paginator = CappedCountPaginator(Vendor.objects.filter(slug__startswith="acme").order_by("slug"), 2)
    # PostgreSQL asks the planner first (an EXPLAIN, nothing read); far above the cap, that is the only query.
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 1, exact=False):
        count = paginator.count
    assert paginator.count_is_exact is False
    assert count == 3 if connection.vendor != "postgresql" else count >= 3


@pytest.mark.postgres
def test_above_the_cap_an_unfiltered_list_reports_the_planner_estimate(api, reviewer, five_vendors, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "count_cap", 2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE vendors_vendor")
    body = api(reviewer).get(URL, {"page_size": 2}).json()
    assert body["count_is_exact"] is False
    assert body["count"] == Vendor.objects.count()  # fresh statistics: the estimate is the table's size


def test_the_schema_documents_count_is_exact(api, reviewer):
    schema = api(reviewer).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/v1/vendors/", "/api/v1/data-flows/"):
        reference = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]
        assert page["properties"]["count_is_exact"]["type"] == "boolean"
