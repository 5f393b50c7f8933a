"""The incident page: a read view first (exposure, who is affected, the two clocks, conflicts beside their
source), then focused forms that each make one service call, all or nothing."""

import pytest

from apps.incidents.models import (
    Incident,
    IncidentExposure,
    IncidentSource,
    ResponseAction,
    ScopeAmendment,
    TimelineEvent,
)
from tests.factories.datamap import DataCategoryFactory
from tests.factories.incidents import IncidentClaimFactory, IncidentFactory, IncidentSourceFactory
from tests.factories.vendors import ContractFactory
from tests.write_guard import writes_only_through_services


@pytest.mark.django_db
def test_the_mixpanel_page_answers_what_was_exposed_and_how_late(client, reviewer, demo_data):
    incident = Incident.objects.get(slug="mixpanel-2025-11")
    client.force_login(reviewer)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    exposed = page.split('id="exp-exposed-h"')[1].split("</section>")[0]
    not_exposed = page.split('id="exp-not_exposed-h"')[1].split("</section>")[0]
    assert "Email address" in exposed and "Passwords" not in exposed
    assert "Passwords" in not_exposed
    assert "384 h" in page and "allows 72 h" in page and "breached" in page
    assert "contradicted by" in page
    assert client.get("/incidents/mixpanel-2025-11/")["Location"] == f"/incidents/{incident.pk}/"


@pytest.fixture
def incident(db):
    incident = IncidentFactory(slug="crm-breach")
    ContractFactory(vendor=incident.vendor)
    return incident


@pytest.mark.django_db
def test_focused_forms_write_through_the_services(client, reviewer, incident):
    email, name = DataCategoryFactory(code="email"), DataCategoryFactory(code="name")
    client.force_login(reviewer)
    base = f"/incidents/{incident.pk}"
    with writes_only_through_services() as stray:
        added = client.post(
            f"{base}/sources/",
            {"source-kind": "official_notice", "source-title": "Vendor notice", "source-reliability": 3},
        )
        source = IncidentSource.objects.get(incident=incident)
        exposures = client.post(
            f"{base}/exposures/",
            {
                "exposures-categories": [email.pk, name.pk],
                "exposures-status": "exposed",
                "exposures-source": source.pk,
                "exposures-override_reason": "Imported before the data map was complete.",
            },
        )
        event = client.post(
            f"{base}/timeline/",
            {
                "event-kind": "detected",
                "event-description": "Vendor detected it.",
                "event-occurred_at": "2025-11-09 10:00",
            },
        )
        action = client.post(
            f"{base}/actions/",
            {"action-kind": "rotate_credentials", "action-description": "Rotate keys", "action-owner": reviewer.pk},
        )
        amended = client.post(
            f"{base}/amendments/",
            {
                "amend-reason": "The vendor now says names were not taken.",
                "amend-categories": [name.pk],
                "amend-status": "not_exposed",
                "amend-source": source.pk,
                "amend-data_subjects_add": "customers\nprospects, customers",
            },
        )
    assert stray == []
    assert [r.status_code for r in (added, exposures, event, action, amended)] == [302] * 5
    statuses = dict(IncidentExposure.objects.filter(incident=incident).values_list("category__code", "status"))
    assert statuses == {"email": "exposed", "name": "not_exposed"}
    assert TimelineEvent.objects.filter(incident=incident, kind="detected").exists()
    assert ResponseAction.objects.get(incident=incident).owner == reviewer
    assert ScopeAmendment.objects.filter(incident=incident).count() == 2  # version 0 kept beside version 1
    assert Incident.objects.get(pk=incident.pk).data_subjects == ["customers", "prospects"]
    page = client.get(f"{base}/").content.decode()
    assert "Rotate keys" in page and "reviewer" in page


@pytest.mark.django_db
def test_a_bad_exposure_form_names_the_field_and_writes_nothing(client, reviewer, incident):
    email, name = DataCategoryFactory(code="email"), DataCategoryFactory(code="name")
    other_source = IncidentSourceFactory()  # another incident's
    own = IncidentSourceFactory(incident=incident)
    client.force_login(reviewer)
    foreign = client.post(
        f"/incidents/{incident.pk}/exposures/",
        {"exposures-categories": [email.pk], "exposures-status": "exposed", "exposures-source": other_source.pk},
    )
    assert foreign.status_code == 400
    # The data map never sent these categories to the vendor: the second needs a reason, so neither is written.
    unexplained = client.post(
        f"/incidents/{incident.pk}/exposures/",
        {"exposures-categories": [email.pk, name.pk], "exposures-status": "exposed", "exposures-source": own.pk},
    )
    assert unexplained.status_code == 400
    assert 'href="#id_exposures-override_reason"' in unexplained.content.decode()
    assert not IncidentExposure.objects.filter(incident=incident).exists()


@pytest.mark.django_db
def test_a_conflict_shows_beside_the_source_it_comes_from(client, reviewer, incident):
    category = DataCategoryFactory(code="api-key", name="API keys")
    official = IncidentSourceFactory(incident=incident, title="Official notice", reliability=3)
    press = IncidentSourceFactory(incident=incident, kind="press", title="A press article", reliability=1)
    IncidentClaimFactory(incident=incident, source=official, category=category, exposure_status="not_exposed")
    IncidentClaimFactory(
        incident=incident, source=press, category=category, exposure_status="exposed", statement="Keys leaked"
    )
    client.force_login(reviewer)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    press_row = page.split("A press article", 1)[1].split("</tr>", 1)[0]
    assert "Keys leaked" in press_row and "contradicted by Official notice" in press_row


@pytest.mark.django_db
def test_a_reviewer_records_an_incident_from_the_vendor_page_and_lands_on_it(client, reviewer, vendor):
    client.force_login(reviewer)
    bad = client.post("/vendors/acme-crm/incidents/", {"incident-title": "", "incident-severity": "high"})
    assert bad.status_code == 400 and not Incident.objects.exists()
    with writes_only_through_services() as stray:
        response = client.post(
            "/vendors/acme-crm/incidents/",
            {
                "incident-title": "CRM export stolen",
                "incident-severity": "high",
                "incident-vendor_detected_at": "2026-01-05 08:00",
                "incident-data_subjects": "customers, prospects",
            },
        )
    assert stray == []
    incident = Incident.objects.get()
    assert response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.data_subjects == ["customers", "prospects"]
    # High severity opens the incident response: a review another reviewer can approve.
    assert incident.reviews.get().kind == "incident"
