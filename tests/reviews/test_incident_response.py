"""A serious incident puts the vendor under review, opens one review and flags a late notification."""

import datetime

import pytest

from apps.register.incidents import incident_create
from apps.reviews.models import Finding, Review
from apps.reviews.services import LATE_NOTIFICATION_FINDING, incident_response_open
from tests.factories.incidents import IncidentFactory
from tests.factories.vendors import ContractFactory, VendorFactory

DETECTED = datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)


@pytest.fixture
def vendor(tier2_baseline):
    vendor = VendorFactory(slug="tracker", status="active", tier=2)
    ContractFactory(vendor=vendor, breach_notification_hours=72)
    return vendor


def _record(vendor, reviewer, severity, told_after_hours):
    return incident_create(
        vendor=vendor,
        title="Breach",
        severity=severity,
        recorded_by=reviewer,
        vendor_detected_at=DETECTED,
        dataset_received_at=DETECTED + datetime.timedelta(hours=told_after_hours),
    )


@pytest.mark.parametrize("severity", ["high", "critical"])
def test_recording_a_serious_late_incident_opens_the_review_and_the_finding(vendor, reviewer, severity):
    incident = _record(vendor, reviewer, severity, told_after_hours=384)
    vendor.refresh_from_db()
    assert vendor.status == "under_review"
    review = Review.objects.get(incident=incident)
    assert (review.kind, review.state, review.requested_by, review.tier) == ("incident", "draft", reviewer, 2)
    finding = Finding.objects.get(review=review)
    assert (finding.code, finding.severity) == (LATE_NOTIFICATION_FINDING, "high")
    assert "384 h" in finding.title and "72 h" in finding.title


def test_a_vendor_on_time_gets_the_review_but_no_finding(vendor, reviewer):
    incident = _record(vendor, reviewer, "high", told_after_hours=48)
    assert Review.objects.filter(incident=incident).exists()
    assert not Finding.objects.exists()


@pytest.mark.parametrize("severity", ["low", "medium"])
def test_minor_incidents_do_not_trigger_a_review(vendor, reviewer, severity):
    _record(vendor, reviewer, severity, told_after_hours=384)
    vendor.refresh_from_db()
    assert vendor.status == "active"
    assert not Review.objects.exists()


def test_the_response_is_idempotent(vendor, reviewer):
    incident = _record(vendor, reviewer, "high", told_after_hours=384)
    incident_response_open(incident=incident, actor=reviewer)
    assert Review.objects.filter(incident=incident).count() == 1
    assert Finding.objects.count() == 1


def test_a_vendor_already_offboarding_is_not_pulled_back_under_review(tier2_baseline, reviewer):
    vendor = VendorFactory(slug="leaving", status="offboarding", tier=2)
    incident = IncidentFactory(vendor=vendor, severity="critical")
    review = incident_response_open(incident=incident, actor=reviewer)
    vendor.refresh_from_db()
    assert (vendor.status, review.kind) == ("offboarding", "incident")
