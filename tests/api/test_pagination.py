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


def _sql(queries):
    return [query["sql"] for query in queries.captured_queries]


def test_a_lean_list_counts_its_rows_without_the_joins_of_their_columns(api, reviewer):
    from django.test.utils import CaptureQueriesContext

    from tests.factories.incidents import IncidentFactory

    for _ in range(3):
        IncidentFactory()
    client = api(reviewer)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/incidents/", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["results"][0]["vendor"]
    counts = [sql for sql in _sql(queries) if "COUNT(" in sql]
    # the vendor's slug is a column of the page, not a condition on the rows: the count needs no vendor
    assert len(counts) == 1 and "vendors_vendor" not in counts[0]


@pytest.mark.postgres
def test_the_planner_estimate_is_asked_once_for_the_same_list_and_stays_an_estimate(
    api, reviewer, five_vendors, monkeypatch
):
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(CappedCountPaginator, "count_cap", 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE vendors_vendor")
    client = api(reviewer)
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(URL, {"page_size": 2}).json()
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(URL, {"page_size": 2, "page": 2}).json()
    assert [sql.startswith("EXPLAIN") for sql in _sql(first_queries)].count(True) == 1
    assert not [sql for sql in _sql(second_queries) if sql.startswith("EXPLAIN")]  # the next page: same question
    assert (first["count"], first["count_is_exact"]) == (5, False)
    assert (second["count"], second["count_is_exact"]) == (5, False)  # still reported as the estimate it is
    assert [row["slug"] for row in second["results"]] == ["acme-2", "acme-3"]
    # Another filter is another question: its own estimate (here small enough to be counted exactly).
    with CaptureQueriesContext(connection) as filtered_queries:
        filtered = client.get(URL, {"page_size": 2, "slug": "acme-3"}).json()
    assert [sql for sql in _sql(filtered_queries) if sql.startswith("EXPLAIN")]
    assert (filtered["count"], filtered["count_is_exact"]) == (1, True)
