"""The Mixpanel case as the demo plays it through the services."""

import datetime

from apps.core.demo import run_app_demo_steps
from apps.reviews.models import Finding, Review
from apps.risk.models import TierChange, Tightening, VendorRequirement
from apps.vendors.models import Vendor

RULE = "no-personal-data-client-side-analytics-without-pseudonymisation"


def test_mixpanel_is_tier_2_because_its_sdk_runs_in_our_pages(demo_data):
    mixpanel = Vendor.objects.get(slug="mixpanel")
    assert (mixpanel.tier, mixpanel.computed_tier) == (2, 2)
    change = TierChange.objects.get(vendor=mixpanel)
    assert change.inputs["client_side_sdk"] is True
    assert change.inputs["max_sensitivity"] == 2
    assert change.inputs["reasons"] == ["its code runs in our web pages (client-side SDK)"]


def test_the_incident_review_was_rejected_with_the_late_notification_finding(demo_data):
    review = Review.objects.get(vendor__slug="mixpanel", kind="incident")
    assert review.incident.slug == "mixpanel-2025-11"
    assert list(review.transitions.values_list("to_state", flat=True)) == ["submitted", "in_review", "rejected"]
    finding = Finding.objects.get(review=review, code="late-breach-notification")
    assert "384 h" in finding.title


def test_the_tightening_reached_mixpanel_and_mixpanel_was_terminated(demo_data):
    tightening = Tightening.objects.get(incident__slug="mixpanel-2025-11")
    assert tightening.scope == {"category": "analytics", "mechanism": "client_side_sdk", "data_categories": ["contact"]}
    assert VendorRequirement.objects.filter(vendor__slug="mixpanel", requirement__code=RULE).exists()
    mixpanel = Vendor.objects.get(slug="mixpanel")
    assert mixpanel.status == "terminated"
    assert list(mixpanel.flows.values_list("ends_on", flat=True)) == [datetime.date(2025, 11, 26)]
    assert mixpanel.offboarding.completed_at is not None


def test_replaying_the_demo_steps_after_a_fixture_reload_changes_nothing(demo_data):
    from django.core.management import call_command

    from apps.core.demo import fixture_files

    before = (Vendor.objects.get(slug="mixpanel").history.count(), TierChange.objects.count(), Review.objects.count())
    for path in fixture_files():
        call_command("loaddata", str(path), verbosity=0)
    run_app_demo_steps()
    mixpanel = Vendor.objects.get(slug="mixpanel")
    assert (mixpanel.status, mixpanel.tier) == ("terminated", 2)
    assert (mixpanel.history.count(), TierChange.objects.count(), Review.objects.count()) == before
