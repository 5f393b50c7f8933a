"""Incident writes through the API: reviewers only, through the same services as the admin, nothing
half-written."""

import pytest

from apps.incidents.models import Incident, IncidentExposure, ScopeAmendment, TimelineEvent
from apps.reviews.models import Review
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.incidents import (
    IncidentFactory,
    IncidentSourceFactory,
    ResponseActionFactory,
    TimelineEventFactory,
)
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import VendorFactory, VendorServiceFactory

URL = "/api/v1/incidents/"


@pytest.fixture
def setting(db):
    BaselineFactory(tier=2, version=1, requirements=[SecurityRequirementFactory(code="signed-dpa")])
    service = VendorServiceFactory(vendor=VendorFactory(slug="tracker", tier=2))
    system = SystemFactory(slug="console")
    flow = DataFlowFactory(service=service, system=system, code="console-to-tracker")
    incident = IncidentFactory(vendor=service.vendor, severity="low", data_subjects=["API users"])
    source = IncidentSourceFactory(incident=incident, key="official-notice")
    email = DataCategoryFactory(code="email-address")
    return {
        "vendor": service.vendor,
        "system": system,
        "flow": flow,
        "incident": incident,
        "source": source,
        "email": email,
    }


def url(incident, path=""):
    return f"{URL}{incident.pk}/{path}"


def reviews(incident):
    return Review.objects.filter(incident=incident, kind="incident").count()


# --- the incident itself ----------------------------------------------------------------------------------


def test_a_reviewer_records_a_critical_incident_and_its_review_opens(api, reviewer, setting):
    body = {
        "vendor": "tracker",
        "title": "Second breach",
        "severity": "critical",
        "vendor_detected_at": "2025-12-01T00:00:00Z",
        "affected_flows": ["console-to-tracker"],
        "data_subjects": ["API users"],
    }
    response = api(reviewer).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    incident = Incident.objects.get(pk=response.json()["id"])
    assert response.json()["affected_systems"] == ["console"]
    assert response["Location"].endswith(f"/incidents/{incident.pk}/")
    assert (incident.recorded_by, incident.slug) == (reviewer, "tracker-2025-12")
    assert reviews(incident) == 1


def test_bad_input_is_a_400_naming_the_field_and_nothing_is_written(api, reviewer, setting):
    body = {
        "vendor": "tracker",
        "title": "Bad times",
        "severity": "critical",
        "vendor_detected_at": "2025-12-01T00:00:00Z",
        "public_disclosure_at": "2025-11-01T00:00:00Z",
    }
    response = api(reviewer).post(URL, body, format="json")
    assert response.status_code == 400
    assert "public_disclosure_at" in response.json()
    assert not Incident.objects.filter(title="Bad times").exists()
    assert not Review.objects.exists()


def test_a_flow_of_another_vendor_is_refused(api, reviewer, setting):
    DataFlowFactory(code="elsewhere")
    body = {"vendor": "tracker", "title": "X", "severity": "low", "affected_flows": ["elsewhere"]}
    response = api(reviewer).post(URL, body, format="json")
    assert response.status_code == 400
    assert "affected_flows" in response.json()


def test_raising_an_incident_to_critical_opens_exactly_one_review(api, reviewer, setting):
    incident = setting["incident"]
    client = api(reviewer)
    for severity in ("critical", "critical", "high", "critical"):
        response = client.patch(url(incident), {"severity": severity}, format="json")
        assert response.status_code == 200, response.json()
    assert response.json()["severity"] == "critical"
    assert reviews(incident) == 1


def test_the_vendor_of_a_recorded_incident_stays(api, reviewer, setting):
    incident = setting["incident"]
    response = api(reviewer).patch(url(incident), {"vendor": "other", "slug": "x", "title": "T"}, format="json")
    assert response.status_code == 200
    incident.refresh_from_db()
    assert (incident.vendor.slug, incident.title) == ("tracker", "T")
    assert incident.slug != "x"


def test_put_and_delete_are_not_offered(api, reviewer, setting):
    client = api(reviewer)
    assert client.put(url(setting["incident"]), {}, format="json").status_code == 405
    assert client.delete(url(setting["incident"])).status_code == 405


@pytest.mark.parametrize("user", ["dashboard_user", "buyer"])
@pytest.mark.parametrize(
    "method,path,body",
    [
        ("post", "", {"vendor": "tracker", "title": "x", "severity": "critical"}),
        ("patch", "{id}/", {"severity": "critical"}),
        ("post", "{id}/sources/", {"kind": "press", "title": "x", "reliability": 1}),
        ("post", "{id}/exposures/", {"category": "email-address", "status": "exposed", "source": "official-notice"}),
        ("post", "{id}/timeline/", {"kind": "other", "description": "x"}),
        ("post", "{id}/actions/", {"kind": "other", "description": "x"}),
        ("post", "{id}/recommendations/", {"text": "x"}),
        ("post", "{id}/amendments/", {"reason": "x", "changes": {"data_subjects_add": ["All"]}}),
    ],
)
def test_only_security_reviewers_write(api, request, setting, user, method, path, body):
    incident = setting["incident"]
    client = api(request.getfixturevalue(user))
    response = getattr(client, method)(URL + path.format(id=incident.pk), body, format="json")
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.severity == "low"
    assert Incident.objects.count() == 1 and not ScopeAmendment.objects.exists()
    assert not TimelineEvent.objects.exists() and not IncidentExposure.objects.exists()


def test_dashboards_read_the_nested_lists(api, dashboard_user, setting):
    client = api(dashboard_user)
    for path in ("sources/", "exposures/", "claims/", "timeline/", "actions/", "recommendations/", "amendments/"):
        assert client.get(url(setting["incident"], path)).status_code == 200, path


# --- rows of the incident ---------------------------------------------------------------------------------


def test_sources_are_added_and_corrected(api, reviewer, setting):
    client = api(reviewer)
    incident = setting["incident"]
    response = client.post(
        url(incident, "sources/"), {"key": "press", "kind": "press", "title": "Article", "reliability": 1}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["key"] == "press"
    response = client.patch(url(incident, "sources/press/"), {"title": "Better"}, format="json")
    assert (response.status_code, response.json()["title"]) == (200, "Better")
    again = client.post(url(incident, "sources/"), {"key": "press", "kind": "press", "title": "x", "reliability": 1})
    assert again.status_code == 400
    assert incident.sources.count() == 2


@pytest.mark.parametrize("ref", ["key", "id"])
def test_an_exposure_cites_a_source_by_key_or_id(api, reviewer, setting, ref):
    source = setting["source"]
    body = {"category": "email-address", "status": "not_exposed", "source": getattr(source, ref)}
    response = api(reviewer).post(url(setting["incident"], "exposures/"), body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "official-notice"


def test_an_exposure_without_a_source_or_citing_another_incidents_is_refused(api, reviewer, setting):
    client = api(reviewer)
    foreign = IncidentSourceFactory(key="foreign")
    for source in ({}, {"source": foreign.pk}, {"source": "foreign"}):
        body = {"category": "email-address", "status": "not_exposed", **source}
        response = client.post(url(setting["incident"], "exposures/"), body, format="json")
        assert response.status_code == 400
        assert "source" in response.json()
    assert not IncidentExposure.objects.exists()


def test_an_exposure_the_data_map_contradicts_needs_a_reason(api, reviewer, setting):
    body = {"category": "email-address", "status": "exposed", "source": "official-notice"}
    response = api(reviewer).post(url(setting["incident"], "exposures/"), body, format="json")
    assert response.status_code == 400
    assert "override_reason" in response.json()


def test_claims_are_attributed_and_checked(api, reviewer, setting):
    client = api(reviewer)
    incident = setting["incident"]
    body = {"key": "dated", "source": "official-notice", "kind": "date", "statement": "On the 9th"}
    response = client.post(url(incident, "claims/"), body, format="json")
    assert response.status_code == 400
    assert "subject" in response.json()
    body.update(subject="occurred_on", value="2025-11-09")
    assert client.post(url(incident, "claims/"), body, format="json").status_code == 201
    response = client.patch(url(incident, "claims/dated/"), {"value": "2025-11-08"}, format="json")
    assert (response.status_code, response.json()["value"]) == (200, "2025-11-08")


def test_the_timeline_appends_corrections_and_never_edits(api, reviewer, setting):
    client = api(reviewer)
    incident = setting["incident"]
    first = TimelineEventFactory(incident=incident, key="detected")
    body = {"kind": "other", "description": "Detected a day earlier.", "corrects": "detected"}
    response = client.post(url(incident, "timeline/"), body, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["corrects"], response.json()["kind"], response.json()["recorded_by"]) == (
        first.pk,
        "correction",
        "reviewer",
    )
    assert client.get(url(incident, "timeline/")).json()["results"][0]["id"] == response.json()["id"]
    assert client.put(url(incident, "timeline/"), body, format="json").status_code == 405
    assert client.delete(url(incident, "timeline/")).status_code == 405
    foreign = TimelineEventFactory()
    response = client.post(url(incident, "timeline/"), {**body, "corrects": foreign.pk}, format="json")
    assert response.status_code == 400
    assert "corrects" in response.json()
    assert incident.timeline.count() == 2


def test_actions_are_added_and_completed_once(api, reviewer, setting):
    client = api(reviewer)
    incident = setting["incident"]
    response = client.post(
        url(incident, "actions/"), {"kind": "notify_users", "description": "Tell them", "owner": "reviewer"}
    )
    assert response.status_code == 201, response.json()
    action_id = response.json()["id"]
    done = client.post(url(incident, f"actions/{action_id}/complete/"), {}, format="json")
    assert done.status_code == 200 and done.json()["done_at"]
    again = client.post(url(incident, f"actions/{action_id}/complete/"), {}, format="json")
    assert again.status_code == 400
    assert "done_at" in again.json()
    other = ResponseActionFactory()
    assert client.post(url(incident, f"actions/{other.pk}/complete/"), {}, format="json").status_code == 404


def test_recommendations_are_added_and_reworded(api, reviewer, setting):
    client = api(reviewer)
    incident = setting["incident"]
    response = client.post(url(incident, "recommendations/"), {"key": "mfa", "text": "Enable MFA"}, format="json")
    assert response.status_code == 201, response.json()
    response = client.patch(url(incident, "recommendations/mfa/"), {"text": "Enable MFA now"}, format="json")
    assert (response.status_code, response.json()["text"]) == (200, "Enable MFA now")


# --- scope amendments -------------------------------------------------------------------------------------


def test_an_amendment_records_version_n_plus_one_and_keeps_every_earlier_one(api, reviewer, setting):
    client = api(reviewer)
    incident = setting["incident"]
    body = {
        "reason": "Second notice",
        "changes": {
            "exposures": [{"category": "email-address", "status": "not_exposed", "source": "official-notice"}],
            "data_subjects_add": ["Admins"],
            "flows_add": ["console-to-tracker"],
            "systems_add": ["console"],
        },
    }
    response = client.post(url(incident, "amendments/"), body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["version"] == 1
    body = {"reason": "Third notice", "changes": {"data_subjects_remove": ["API users"]}}
    assert client.post(url(incident, "amendments/"), body, format="json").json()["version"] == 2
    versions = client.get(url(incident, "amendments/")).json()
    assert [v["version"] for v in versions] == [0, 1, 2]
    assert [v["scope"]["data_subjects"] for v in versions] == [["API users"], ["API users", "Admins"], ["Admins"]]
    assert versions[1]["scope"]["flows"] == ["console-to-tracker"]
    assert versions[1]["recorded_by"] == "reviewer"


@pytest.mark.parametrize(
    "changes,field",
    [
        ({}, "changes"),
        ({"data_subjects_remove": ["Nobody"]}, "changes"),
        ({"exposures": [{"category": "email-address", "status": "not_exposed"}]}, "changes"),
        ({"flows_add": ["nope"]}, "changes"),
    ],
)
def test_an_amendment_that_changes_nothing_or_is_malformed_is_a_400(api, reviewer, setting, changes, field):
    response = api(reviewer).post(
        url(setting["incident"], "amendments/"), {"reason": "x", "changes": changes}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not ScopeAmendment.objects.exists()


def test_an_amendment_is_all_or_nothing(api, reviewer, setting):
    other_vendor_flow = DataFlowFactory(code="elsewhere")
    body = {
        "reason": "Wider",
        "changes": {"data_subjects_add": ["Admins"], "flows_add": [other_vendor_flow.code]},
    }
    response = api(reviewer).post(url(setting["incident"], "amendments/"), body, format="json")
    assert response.status_code == 400
    assert "affected_flows" in response.json()
    setting["incident"].refresh_from_db()
    assert setting["incident"].data_subjects == ["API users"]
    assert not ScopeAmendment.objects.exists()
