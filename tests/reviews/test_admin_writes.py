"""The reviews admin writes through the reviews services: findings raised from the review page, statuses moved
by actions, decided conditions fixed, refusals shown on the page with nothing written."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.reviews.models import Finding, OffboardingChecklist, Review, RiskException
from apps.reviews.services import review_approve_with_conditions
from apps.risk.models import Tightening, VendorRequirement
from tests.admin_forms import admin_post
from tests.factories.reviews import FindingFactory, ReviewFactory
from tests.factories.risk import SecurityRequirementFactory
from tests.factories.vendors import VendorFactory

TODAY = timezone.localdate()


def test_a_finding_added_on_the_review_page_is_raised_by_the_service(client, reviewer, review_factory):
    review = review_factory("in_review")
    client.force_login(reviewer)
    url = reverse("admin:reviews_review_change", args=[review.pk])
    response = admin_post(
        client,
        url,
        {
            "findings-TOTAL_FORMS": "1",
            "findings-0-title": "No MFA for vendor staff",
            "findings-0-severity": "high",
            "findings-0-review": str(review.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    finding = Finding.objects.get(review=review)
    # finding_raise gave it the severity's due date and the history its author.
    assert finding.due_on == TODAY + datetime.timedelta(days=30)
    assert (finding.status, finding.history.first().history_user) == ("open", reviewer)


def test_a_refused_inline_finding_is_shown_and_nothing_is_written(client, reviewer, review_factory):
    review = review_factory("in_review")
    client.force_login(reviewer)
    url = reverse("admin:reviews_review_change", args=[review.pk])
    response = admin_post(
        client,
        url,
        {
            "summary": "Changed with the finding",
            "findings-TOTAL_FORMS": "1",
            "findings-0-title": "Late",
            "findings-0-severity": "high",
            "findings-0-due_on": "2001-01-01",
            "findings-0-review": str(review.pk),
        },
    )
    assert response.status_code == 200
    assert "The due date cannot be in the past." in response.content.decode()
    review.refresh_from_db()
    assert (review.summary, Finding.objects.count()) == ("", 0)


def test_a_findings_status_moves_only_by_its_actions(client, reviewer):
    finding = FindingFactory(review=ReviewFactory(vendor=VendorFactory(slug="acme")))
    client.force_login(reviewer)
    change = reverse("admin:reviews_finding_change", args=[finding.pk])
    admin_post(client, change, {"status": "resolved", "code": "forged", "title": "Renamed"})
    finding.refresh_from_db()
    assert (finding.status, finding.code, finding.title) == ("open", "", "Renamed")
    changelist = reverse("admin:reviews_finding_changelist")
    client.post(changelist, {"action": "finding_resolved", "_selected_action": [str(finding.pk)]})
    finding.refresh_from_db()
    assert finding.status == "resolved"


def test_the_conditions_of_a_decided_review_are_read_only(
    client, reviewer, second_reviewer, review_factory, meet_all, onboarding_vendor
):
    review = review_factory("in_review")
    meet_all(onboarding_vendor)
    review_approve_with_conditions(review=review, actor=second_reviewer, conditions="Rotate keys yearly")
    client.force_login(reviewer)
    url = reverse("admin:reviews_review_change", args=[review.pk])
    admin_post(client, url, {"conditions": "None", "summary": "Approved after checks"})
    review.refresh_from_db()
    assert (review.conditions, review.summary) == ("Rotate keys yearly", "Approved after checks")


def test_a_review_added_in_the_admin_is_opened_by_the_service(client, reviewer, onboarding_vendor):
    client.force_login(reviewer)
    response = admin_post(
        client,
        reverse("admin:reviews_review_add"),
        {"vendor": str(onboarding_vendor.pk), "kind": "periodic", "summary": "Yearly"},
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.requested_by, review.tier, review.summary, review.state) == (reviewer, 2, "Yearly", "draft")
    assert VendorRequirement.objects.filter(vendor=onboarding_vendor).count() == 2  # review_open ensured them


def test_an_exception_that_expires_in_the_past_is_refused_on_the_page(client, reviewer, review_factory):
    review = review_factory("in_review")
    status = VendorRequirement.objects.filter(vendor=review.vendor).first()
    client.force_login(reviewer)
    response = admin_post(
        client,
        reverse("admin:reviews_riskexception_add"),
        {
            "review": str(review.pk),
            "vendor_requirement": str(status.pk),
            "justification": "Pilot for one quarter while the vendor completes its SOC 2 audit",
            "expires_on": "2001-01-01",
        },
    )
    assert response.status_code == 200
    assert "An exception must expire in the future." in response.content.decode()
    status.refresh_from_db()
    assert (RiskException.objects.count(), status.status) == (0, "not_met")


def test_the_offboarding_reason_is_changed_through_the_service(client, reviewer):
    vendor = VendorFactory(slug="leaving")
    client.force_login(reviewer)
    client.post(
        reverse("admin:risk_vendorrisk_changelist"),
        {"action": "start_offboarding", "_selected_action": [str(vendor.pk)]},
    )
    checklist = OffboardingChecklist.objects.get(vendor=vendor)
    admin_post(client, reverse("admin:reviews_offboardingchecklist_change", args=[checklist.pk]), {"reason": "Ends"})
    checklist.refresh_from_db()
    assert (checklist.reason, checklist.history.first().history_user) == ("Ends", reviewer)


@pytest.mark.parametrize(
    "model",
    [
        "risk_securityrequirement",
        "risk_baseline",
        "risk_vendorrequirement",
        "risk_vendorrisk",
        "risk_tierchange",
        "risk_tightening",
        "reviews_review",
        "reviews_finding",
        "reviews_riskexception",
        "reviews_offboardingchecklist",
    ],
)
def test_every_risk_and_reviews_admin_page_renders(client, reviewer, review_factory, model):
    review = review_factory("in_review")
    FindingFactory(review=review)
    RiskException.objects.create(
        review=review,
        vendor_requirement=VendorRequirement.objects.filter(vendor=review.vendor).first(),
        justification="Pilot for one quarter while the vendor completes its SOC 2 audit",
        approved_by=reviewer,
        expires_on=TODAY + datetime.timedelta(days=30),
    )
    Tightening.objects.create(requirement=SecurityRequirementFactory(), scope={"system": "crm"}, due_on=TODAY)
    from apps.reviews.services import offboarding_start
    from apps.risk.services import vendor_tier_override

    vendor_tier_override(vendor=review.vendor, tier=1, reason="Payment data", actor=reviewer)
    offboarding_start(vendor=VendorFactory(slug="leaving"), actor=reviewer)
    client.force_login(reviewer)
    changelist = client.get(reverse(f"admin:{model}_changelist"))
    assert changelist.status_code == 200
    obj = changelist.context["cl"].result_list[0]
    assert client.get(reverse(f"admin:{model}_change", args=[obj.pk])).status_code == 200
    assert client.get(reverse(f"admin:{model}_history", args=[obj.pk]), follow=True).status_code == 200
    assert not list(get_messages(changelist.wsgi_request))
