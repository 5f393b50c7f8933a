"""The clock moments through the API: recorded by a reviewer, checked, and read back in the report (issue 16)."""

from apps.incidents.models import IncidentExposure
from tests.factories.incidents import IncidentFactory, IncidentSourceFactory


def test_recording_the_authority_notification_meets_the_art_33_clock(api, reviewer, db):
    incident = IncidentFactory()
    url = f"/api/v1/incidents/{incident.pk}/"
    response = api(reviewer).patch(
        url,
        {
            "we_became_aware_at": "2025-11-25T00:00:00Z",
            "sa_notified_at": "2025-11-27T00:00:00Z",
            "supervisory_authority": "CNIL",
            "sa_reference": "2025-123",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["supervisory_authority"] == "CNIL"
    report = api(reviewer).get(url + "report/", {"format": "json"}).json()
    clock = next(c for c in report["clocks"] if c["code"] == "gdpr-33-1")
    assert (clock["status"], clock["elapsed_hours"]) == ("met", 48)


def test_a_notification_before_awareness_or_without_its_authority_is_refused(api, reviewer, db):
    incident = IncidentFactory(we_became_aware_at="2025-11-25T00:00:00Z")
    url = f"/api/v1/incidents/{incident.pk}/"
    early = api(reviewer).patch(url, {"sa_notified_at": "2025-11-20T00:00:00Z", "supervisory_authority": "CNIL"})
    assert early.status_code == 400 and "sa_notified_at" in early.json()
    nameless = api(reviewer).patch(url, {"sa_notified_at": "2025-11-26T00:00:00Z"}, format="json")
    assert nameless.status_code == 400 and "supervisory_authority" in nameless.json()
    incident.refresh_from_db()
    assert incident.sa_notified_at is None


def test_the_dashboard_cannot_record_a_clock(api, dashboard_user, db):
    incident = IncidentFactory()
    response = api(dashboard_user).patch(f"/api/v1/incidents/{incident.pk}/", {"risk_to_individuals": "high"})
    assert response.status_code == 403


def test_an_exposure_without_a_source_is_400_and_writes_nothing(api, reviewer, db):
    incident = IncidentFactory()
    IncidentSourceFactory(incident=incident, key="notice")
    response = api(reviewer).post(
        f"/api/v1/incidents/{incident.pk}/exposures/", {"category": "x", "status": "exposed"}, format="json"
    )
    assert response.status_code == 400 and "source" in response.json()
    assert not IncidentExposure.objects.exists()
