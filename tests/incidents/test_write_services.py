"""Incident writes through services: the register's door-facing writes and the row services."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.incidents import services
from apps.incidents.models import Incident, Recommendation
from apps.register.incidents import incident_create, incident_update
from apps.reviews.models import Review
from tests.factories.incidents import IncidentFactory, IncidentSourceFactory, ResponseActionFactory
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import VendorFactory

DETECTED = datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)


@pytest.fixture
def baseline(db):
    return BaselineFactory(tier=2, version=1, requirements=[SecurityRequirementFactory(code="signed-dpa")])


@pytest.fixture
def low_incident(baseline):
    return IncidentFactory(vendor=VendorFactory(slug="tracker", tier=2), severity="low")


def incident_reviews(incident):
    return Review.objects.filter(incident=incident, kind="incident").count()


def test_a_critical_incident_created_through_the_register_opens_its_review(baseline, reviewer):
    vendor = VendorFactory(slug="tracker", tier=2)
    incident = incident_create(
        vendor=vendor, title="Breach", severity="critical", recorded_by=reviewer, vendor_detected_at=DETECTED
    )
    assert incident_reviews(incident) == 1
    vendor.refresh_from_db()
    assert vendor.status == "under_review"


def test_the_domain_service_alone_no_longer_opens_a_review(baseline, reviewer):
    # The consequence is the register's explicit call, not a signal receiver any more.
    incident = services.incident_record(
        vendor=VendorFactory(slug="tracker", tier=2), title="Breach", severity="critical", recorded_by=reviewer
    )
    assert incident_reviews(incident) == 0


def test_raising_low_to_critical_opens_exactly_one_review_and_again_none_more(low_incident, reviewer):
    incident_update(incident=low_incident, actor=reviewer, severity="critical")
    assert incident_reviews(low_incident) == 1
    incident_update(incident=low_incident, actor=reviewer, severity="critical")  # saved twice
    incident_update(incident=low_incident, actor=reviewer, severity="high")
    incident_update(incident=low_incident, actor=reviewer, severity="critical")
    incident_update(incident=low_incident, actor=reviewer, severity="low")
    incident_update(incident=low_incident, actor=reviewer, severity="critical")
    assert incident_reviews(low_incident) == 1


def test_an_edit_that_stays_low_opens_nothing(low_incident, reviewer):
    incident_update(incident=low_incident, actor=reviewer, title="Renamed", severity="medium")
    low_incident.refresh_from_db()
    assert (low_incident.title, low_incident.severity) == ("Renamed", "medium")
    assert incident_reviews(low_incident) == 0


def test_update_returns_the_previous_severity(low_incident):
    incident, previous = services.incident_update(incident=low_incident, severity="high")
    assert (previous, incident.severity) == ("low", "high")


def test_update_checks_times_as_the_model_does_and_writes_nothing(low_incident, reviewer):
    with pytest.raises(ValidationError) as error:
        incident_update(
            incident=low_incident,
            actor=reviewer,
            severity="critical",
            public_disclosure_at=DETECTED - datetime.timedelta(days=1),
        )
    assert "public_disclosure_at" in error.value.message_dict
    low_incident.refresh_from_db()
    assert low_incident.severity == "low"
    assert incident_reviews(low_incident) == 0


@pytest.mark.parametrize("field", ["vendor", "slug", "recorded_by"])
def test_update_refuses_fields_that_stay(low_incident, field):
    with pytest.raises(ValidationError) as error:
        services.incident_update(incident=low_incident, **{field: None})
    assert field in error.value.message_dict


def test_source_add_and_update(low_incident):
    source = services.source_add(incident=low_incident, kind="press", title="Article", reliability=1)
    assert source.key.startswith("press-")
    services.source_update(source=source, title="Better title", reliability=2)
    source.refresh_from_db()
    assert (source.title, source.reliability) == ("Better title", 2)
    with pytest.raises(ValidationError) as error:
        services.source_add(incident=low_incident, kind="press", title="Again", reliability=1, key=source.key)
    assert "This incident already has a source with this key." in str(error.value)


def test_a_claim_cannot_cite_another_incidents_source(low_incident):
    foreign = IncidentSourceFactory()
    with pytest.raises(ValidationError) as error:
        services.claim_add(
            incident=low_incident, source=foreign, kind="date", statement="x", subject="occurred_on", value="2025"
        )
    assert "source" in error.value.message_dict


def test_claim_add_and_update(low_incident):
    source = IncidentSourceFactory(incident=low_incident)
    claim = services.claim_add(
        incident=low_incident, source=source, kind="date", statement="On the 9th", subject="occurred_on", value="9"
    )
    services.claim_update(claim=claim, value="8")
    claim.refresh_from_db()
    assert claim.value == "8"
    with pytest.raises(ValidationError) as error:
        services.claim_update(claim=claim, subject="")
    assert "subject" in error.value.message_dict


def test_recommendations_go_last_unless_placed(low_incident):
    first = services.recommendation_add(incident=low_incident, text="Be wary of phishing")
    second = services.recommendation_add(incident=low_incident, text="Enable MFA")
    assert (first.position, second.position) == (0, 1)
    services.recommendation_update(recommendation=second, position=0, text="Enable MFA now")
    assert Recommendation.objects.get(pk=second.pk).text == "Enable MFA now"


def test_action_update_cannot_undo_or_complete(low_incident):
    action = ResponseActionFactory(incident=low_incident)
    services.action_update(action=action, description="Notify every affected user")
    with pytest.raises(ValidationError) as error:
        services.action_update(action=action, done_at=None)
    assert "done_at" in error.value.message_dict
    assert Incident.objects.get(pk=low_incident.pk).actions.get().description == "Notify every affected user"
