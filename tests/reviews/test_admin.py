"""The admin doors: actions call the services, refusals show their reason, changelists stay flat."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.reviews.models import OffboardingChecklist, Review
from apps.risk.models import TierChange, VendorRequirement
from apps.risk.services import vendor_tier_recompute
from tests.admin_forms import admin_post
from tests.factories.reviews import ReviewFactory
from tests.factories.vendors import VendorFactory


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _act(client, url, action, pks):
    return client.post(url, {"action": action, "_selected_action": [str(pk) for pk in pks]}, follow=True)


def test_a_refused_approval_shows_its_reason(client, reviewer, review_factory):
    review = review_factory("in_review")
    client.force_login(reviewer)
    response = _act(client, reverse("admin:reviews_review_changelist"), "review_approve", [review.pk])
    assert any("requirement(s) neither met" in m and "annual-pen-test" in m for m in _messages(response))
    assert Review.objects.get(pk=review.pk).state == "in_review"


def test_an_illegal_move_from_the_admin_shows_why(client, reviewer, review_factory):
    review = review_factory("draft")
    client.force_login(reviewer)
    response = _act(client, reverse("admin:reviews_review_changelist"), "review_start", [review.pk])
    assert any("Cannot start review a review that is draft" in m for m in _messages(response))


def test_actions_move_reviews_and_show_the_history(client, reviewer, review_factory, meet_all, onboarding_vendor):
    review = review_factory("submitted")
    client.force_login(reviewer)
    _act(client, reverse("admin:reviews_review_changelist"), "review_start", [review.pk])
    meet_all(onboarding_vendor)
    response = _act(client, reverse("admin:reviews_review_changelist"), "review_approve", [review.pk])
    assert any("Approve: 1" in m for m in _messages(response))
    page = client.get(reverse("admin:reviews_review_change", args=[review.pk]))
    assert page.status_code == 200
    assert page.content.decode().count("in_review") >= 1


@pytest.mark.parametrize(
    "url_name",
    ["admin:reviews_review_changelist", "admin:risk_vendorrequirement_changelist", "admin:risk_tierchange_changelist"],
)
def test_changelists_run_a_flat_number_of_queries(
    url_name, client, reviewer, tier2_baseline, django_assert_max_num_queries
):
    from apps.risk.services import vendor_requirements_ensure

    client.force_login(reviewer)

    def make(n, prefix):
        for i in range(n):
            vendor = VendorFactory(slug=f"{prefix}-{i}", tier=None)
            vendor_tier_recompute(vendor=vendor)
            vendor.tier = 2
            vendor.save()
            vendor_requirements_ensure(vendor=vendor)
            ReviewFactory(vendor=vendor, requested_by=reviewer)

    make(2, "a")
    with django_assert_max_num_queries(40) as few:
        assert client.get(reverse(url_name)).status_code == 200
    make(12, "b")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200


def test_a_tier_override_without_a_reason_is_a_form_error(client, reviewer):
    vendor = VendorFactory(slug="pixel", tier=None)
    vendor_tier_recompute(vendor=vendor)
    client.force_login(reviewer)
    url = reverse("admin:risk_vendorrisk_change", args=[vendor.pk])
    response = admin_post(client, url, {"tier_override": "1", "tier_override_reason": ""})
    assert response.status_code == 200
    assert "override needs a reason" in response.content.decode()
    assert not TierChange.objects.filter(vendor=vendor, cause="override").exists()
    admin_post(client, url, {"tier_override": "1", "tier_override_reason": "Holds payment data"})
    assert TierChange.objects.filter(vendor=vendor, cause="override", to_tier=1, changed_by=reviewer).exists()


def test_offboarding_from_the_admin_to_terminated(client, reviewer):
    from tests.factories.vendors import DocumentFactory

    vendor = VendorFactory(slug="leaving", status="active")
    client.force_login(reviewer)
    _act(client, reverse("admin:risk_vendorrisk_changelist"), "start_offboarding", [vendor.pk])
    checklist = OffboardingChecklist.objects.get(vendor=vendor)
    url = reverse("admin:reviews_offboardingchecklist_changelist")
    response = _act(client, url, "terminate", [checklist.pk])
    assert any("offboarding still needs" in m for m in _messages(response))
    for action in ("offboarding_removed_from_production", "offboarding_access_revoked", "offboarding_data_returned"):
        _act(client, url, action, [checklist.pk])
    _act(client, url, "terminate", [checklist.pk])
    vendor.refresh_from_db()
    assert vendor.status == "terminated"
    certificate = DocumentFactory(vendor=vendor, kind="soc2_type2")
    change = client.post(
        reverse("admin:reviews_offboardingchecklist_change", args=[checklist.pk]),
        {"reason": "", "deletion_certificate": str(certificate.pk)},
    )
    assert change.status_code == 200  # not a deletion certificate of this vendor: refused in the form


def test_procurement_cannot_use_the_review_admin(client, buyer, review_factory):
    review_factory("in_review")
    client.force_login(buyer)
    assert client.get(reverse("admin:reviews_review_changelist")).status_code in (302, 403)
    assert VendorRequirement.objects.exists()
