"""The incident and review pages run the same number of queries for a small and a bigger record."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.datamap import DataCategoryFactory
from tests.factories.incidents import (
    IncidentClaimFactory,
    IncidentExposureFactory,
    IncidentFactory,
    IncidentSourceFactory,
    ResponseActionFactory,
    TimelineEventFactory,
)
from tests.factories.reviews import FindingFactory


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def grow_incident(incident, start, count):
    for index in range(start, start + count):
        category = DataCategoryFactory(code=f"cat-{index}")
        source = IncidentSourceFactory(incident=incident)
        IncidentExposureFactory(incident=incident, category=category)
        IncidentClaimFactory(incident=incident, source=source, category=category)
        TimelineEventFactory(incident=incident)
        ResponseActionFactory(incident=incident)


@pytest.mark.django_db
def test_the_incident_page_runs_a_constant_number_of_queries(client, reviewer):
    incident = IncidentFactory()
    grow_incident(incident, 0, 1)
    client.force_login(reviewer)
    path = f"/incidents/{incident.pk}/"
    client.get(path)
    few = queries(client, path)
    grow_incident(incident, 1, 8)
    assert queries(client, path) == few


@pytest.mark.django_db
def test_the_review_page_runs_a_constant_number_of_queries(client, reviewer, blocked_review):
    FindingFactory(review=blocked_review)
    client.force_login(reviewer)
    path = f"/reviews/{blocked_review.pk}/"
    client.get(path)
    few = queries(client, path)
    for _ in range(8):
        FindingFactory(review=blocked_review, owner=reviewer)
    page = client.get(path).content.decode()
    assert "requirement(s) neither met nor covered" in page  # what blocks approval is still said
    assert queries(client, path) == few
