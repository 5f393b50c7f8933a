"""Every list endpoint runs the same number of queries whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

LIST_ENDPOINTS = [
    "/api/v1/vendors/",
    "/api/v1/systems/",
    "/api/v1/data-categories/",
    "/api/v1/data-flows/",
    "/api/v1/contracts/",
    "/api/v1/documents/",
    "/api/v1/incidents/",
    "/api/v1/requirements/",
    "/api/v1/baselines/",
    "/api/v1/vendor-requirements/",
    "/api/v1/reviews/",
    "/api/v1/findings/",
    "/api/v1/exceptions/",
    "/api/v1/intake-requests/",
    "/api/v1/vendors/vendor-0/tier-changes/",
    "/api/v1/reviews/{review}/transitions/",
    "/api/v1/incidents/{incident}/timeline/",
    "/api/v1/dashboard/",
]


def _queries(client, url, page_size):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_list_runs_the_same_queries_at_page_sizes_1_and_100(api, reviewer, register, url, django_assert_num_queries):
    from apps.incidents.models import Incident
    from apps.reviews.models import Review

    url = url.format(review=Review.objects.first().pk, incident=Incident.objects.first().pk)
    client = api(reviewer)
    client.get(url)  # warm the role cache and content types, which are per-process, not per-row
    at_one, small = _queries(client, url, 1)
    at_hundred, large = _queries(client, url, 100)
    assert at_one == at_hundred
    if "results" in small:
        # The data really has more than one row, so an N+1 would have shown.
        assert len(small["results"]) == 1 < len(large["results"])


@pytest.mark.parametrize("url", ["/api/v1/incidents/{id}/", "/api/v1/incidents/{id}/timeline/"])
def test_incident_detail_queries_do_not_grow_with_its_rows(api, reviewer, register, url):
    from apps.incidents.models import Incident, TimelineEvent

    incident = Incident.objects.first()
    client = api(reviewer)
    client.get(url.format(id=incident.pk))
    before, _ = _queries(client, url.format(id=incident.pk), 100)
    for day in range(3):
        TimelineEvent.objects.create(incident=incident, key=f"more-{day}", kind="other", description=f"More {day}")
    after, _ = _queries(client, url.format(id=incident.pk), 100)
    assert before == after
