"""Opt-in keyset pages on the big lists: every row exactly once, filters kept, a changed cursor refused."""

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.incidents import IncidentFactory
from tests.factories.vendors import VendorFactory

BIG_LISTS = ["/api/v1/vendors/", "/api/v1/data-flows/", "/api/v1/incidents/"]


def _walk(client, url, params):
    response = client.get(url, {"pagination": "cursor", **params})
    pages = []
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        assert "count" not in body  # a cursor page never counts
        pages.append([row["id"] for row in body["results"]])
        if body["next"] is None:
            return pages
        response = client.get(body["next"])


@pytest.mark.parametrize("url", BIG_LISTS)
def test_a_cursor_walk_returns_every_row_once_in_order(api, reviewer, register, url):
    client = api(reviewer)
    everything = [row["id"] for row in client.get(url, {"page_size": 500}).json()["results"]]
    pages = _walk(client, url, {"page_size": 1})
    walked = [row for page in pages for row in page]
    assert sorted(walked) == sorted(everything) and len(walked) == len(set(walked)) == 3
    assert all(len(page) == 1 for page in pages)


def test_vendor_cursor_walk_handles_equal_names_and_keeps_the_list_order(api, reviewer, db):
    vendors = [VendorFactory(slug=f"same-{i}", display_name="Same name") for i in range(4)]
    vendors += [VendorFactory(slug="alpha", display_name="Alpha"), VendorFactory(slug="zulu", display_name="Zulu")]
    client = api(reviewer)
    walked = [slug for page in _walk(client, "/api/v1/vendors/", {"page_size": 2}) for slug in page]
    ordered = [v.pk for v in sorted(vendors, key=lambda v: (v.display_name, v.pk))]
    assert walked == ordered


def test_incident_cursor_walk_is_newest_recorded_first(api, reviewer, db):
    incidents = [IncidentFactory(slug=f"incident-{i}") for i in range(5)]
    walked = [pk for page in _walk(api(reviewer), "/api/v1/incidents/", {"page_size": 2}) for pk in page]
    assert walked == [i.pk for i in sorted(incidents, key=lambda i: (i.created_at, i.pk), reverse=True)]


def test_a_cursor_walk_keeps_the_filters(api, reviewer, db):
    kept = [VendorFactory(slug=f"kept-{i}", display_name=f"Kept {i}", tier=1).pk for i in range(5)]
    for i in range(5):
        VendorFactory(slug=f"other-{i}", display_name=f"Other {i}", tier=3)
    pages = _walk(api(reviewer), "/api/v1/vendors/", {"page_size": 2, "tier": 1})
    assert [pk for page in pages for pk in page] == kept
    assert len(pages) == 3


@pytest.mark.parametrize("url", BIG_LISTS)
def test_a_changed_or_foreign_cursor_is_a_400(api, reviewer, register, url):
    client = api(reviewer)
    next_link = client.get(url, {"pagination": "cursor", "page_size": 1}).json()["next"]
    token = next_link.split("cursor=")[1].split("&")[0]
    assert client.get(url, {"cursor": token[:-2] + "xx"}).status_code == 400
    forged = signing.dumps([0, 0], salt="another list")
    response = client.get(url, {"cursor": forged})
    assert response.status_code == 400
    assert "cursor" in response.json()
    assert client.get(url, {"cursor": "not-a-cursor"}).status_code == 400


def test_page_numbers_are_unchanged_without_the_parameter(api, reviewer, register):
    body = api(reviewer).get("/api/v1/vendors/", {"page_size": 1}).json()
    assert {"count", "count_is_exact", "next", "previous", "results"} <= set(body)
    assert "page=2" in body["next"]


@pytest.mark.parametrize("url", BIG_LISTS)
def test_a_deep_cursor_page_runs_the_queries_of_the_first(api, reviewer, register, url):
    client = api(reviewer)
    first = client.get(url, {"pagination": "cursor", "page_size": 1})
    with CaptureQueriesContext(connection) as at_first:
        first = client.get(url, {"pagination": "cursor", "page_size": 1})
    with CaptureQueriesContext(connection) as deeper:
        client.get(first.json()["next"])
    assert len(at_first.captured_queries) == len(deeper.captured_queries)
    assert not any("OFFSET" in query["sql"] for query in deeper.captured_queries)


def test_the_schema_documents_cursor_pages(api, reviewer):
    schema = api(reviewer).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in BIG_LISTS:
        names = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
        assert {"pagination", "cursor", "page", "page_size"} <= names
