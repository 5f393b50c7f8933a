"""The story of a blocked review: the page says what blocks it, bulk mark-met with this vendor's evidence clears
it, the requester is refused in place, and a second reviewer approves; then the vendor is activated."""

import datetime

import pytest
from django.utils import timezone

from apps.reviews.models import Review, RiskException
from apps.risk.models import VendorRequirement
from apps.vendors.models import Vendor
from tests.factories.vendors import DocumentFactory, VendorFactory
from tests.write_guard import writes_only_through_services

TODAY = timezone.localdate()


def mark_met(client, vendor, statuses, evidence):
    return client.post(
        f"/vendors/{vendor.slug}/mark-met/",
        {
            "mark_met-vendor_requirements": [s.pk for s in statuses],
            "mark_met-evidence": evidence.pk,
            "mark_met-note": "",
        },
    )


@pytest.mark.django_db
def test_a_blocked_review_is_made_approvable_and_a_second_reviewer_approves(
    client, reviewer, second_reviewer, vendor, evidence, blocked_review
):
    client.force_login(reviewer)
    page = client.get(f"/reviews/{blocked_review.pk}/").content.decode()
    assert "3 requirement(s) neither met nor covered" in page
    assert "You requested this review" in page
    assert f'action="/reviews/{blocked_review.pk}/approve/"' in page

    with writes_only_through_services() as stray:
        response = mark_met(client, vendor, VendorRequirement.objects.filter(vendor=vendor), evidence)
        assert response.status_code == 302
        refused = client.post(f"/reviews/{blocked_review.pk}/approve/", {"approve-note": ""})
    assert stray == []
    assert VendorRequirement.objects.filter(vendor=vendor, status="met", evidence=evidence).count() == 3
    # The requester is refused in place: 409, the page again, the reason at the button.
    assert refused.status_code == 409
    assert "The requester of a review cannot approve it." in refused.content.decode()
    assert Review.objects.get(pk=blocked_review.pk).state == "in_review"

    client.force_login(second_reviewer)
    assert "Nothing: you may approve" in client.get(f"/reviews/{blocked_review.pk}/").content.decode()
    with writes_only_through_services() as stray:
        approved = client.post(f"/reviews/{blocked_review.pk}/approve/", {"approve-note": "Evidence checked."})
        assert approved.status_code == 302
        # A proposed vendor's approval lets it onboard; activating it is one button on its page.
        assert Vendor.objects.get(pk=vendor.pk).status == "onboarding"
        assert 'id="activate"' in client.get(f"/vendors/{vendor.slug}/").content.decode()
        activated = client.post(f"/vendors/{vendor.slug}/activate/")
    assert stray == []
    review = Review.objects.get(pk=blocked_review.pk)
    assert (review.state, review.decided_by) == ("approved", second_reviewer)
    assert activated.status_code == 302
    assert Vendor.objects.get(pk=vendor.pk).status == "active"


@pytest.mark.django_db
def test_mark_met_offers_only_this_vendors_unexpired_evidence_and_refuses_another_vendors(
    client, reviewer, vendor, evidence
):
    other = DocumentFactory(vendor=VendorFactory(slug="other"), title="Someone else's deletion certificate")
    DocumentFactory(vendor=vendor, title="Old SOC 2", expires_on=TODAY - datetime.timedelta(days=1))
    client.force_login(reviewer)
    page = client.get("/vendors/acme-crm/").content.decode()
    assert "Acme SOC 2" in page.split('id="mark-met"')[1]
    assert "Someone else" not in page
    assert "Old SOC 2" not in page.split('id="mark-met"')[1]

    statuses = list(VendorRequirement.objects.filter(vendor=vendor))
    response = mark_met(client, vendor, statuses, other)
    assert response.status_code == 400
    assert "Evidence (this vendor" in response.content.decode()
    assert not VendorRequirement.objects.filter(vendor=vendor, status="met").exists()


@pytest.mark.django_db
def test_met_needs_evidence_and_at_least_one_requirement(client, reviewer, vendor, evidence):
    client.force_login(reviewer)
    statuses = list(VendorRequirement.objects.filter(vendor=vendor))
    no_evidence = client.post("/vendors/acme-crm/mark-met/", {"mark_met-vendor_requirements": [statuses[0].pk]})
    nothing = client.post("/vendors/acme-crm/mark-met/", {"mark_met-evidence": evidence.pk})
    assert (no_evidence.status_code, nothing.status_code) == (400, 400)
    assert 'href="#id_mark_met-evidence"' in no_evidence.content.decode()
    assert 'href="#id_mark_met-vendor_requirements"' in nothing.content.decode()
    assert not VendorRequirement.objects.filter(vendor=vendor, status="met").exists()


@pytest.mark.django_db
def test_an_exception_granted_from_the_vendor_page_is_refused_with_a_thin_justification(
    client, reviewer, vendor, blocked_review
):
    client.force_login(reviewer)
    status = VendorRequirement.objects.filter(vendor=vendor).first()
    data = {
        "exception-review": blocked_review.pk,
        "exception-vendor_requirement": status.pk,
        "exception-expires_on": (TODAY + datetime.timedelta(days=60)).isoformat(),
    }
    thin = client.post("/vendors/acme-crm/exception/", {**data, "exception-justification": "ok"})
    assert thin.status_code == 400
    assert "at least" in thin.content.decode()
    assert not RiskException.objects.exists()
    good = "Pen test booked with an accredited firm for next quarter; report due by March."
    granted = client.post("/vendors/acme-crm/exception/", {**data, "exception-justification": good})
    assert granted.status_code == 302
    assert RiskException.objects.get().approved_by == reviewer


@pytest.mark.django_db
def test_open_a_review_and_start_offboarding_from_the_vendor_page(client, reviewer, vendor):
    client.force_login(reviewer)
    assert client.post("/vendors/acme-crm/open-review/", {"open_review-kind": "periodic"}).status_code == 302
    review = Review.objects.get(vendor=vendor)
    assert (review.kind, review.state, review.requested_by) == ("periodic", "draft", reviewer)
    bad = client.post("/vendors/acme-crm/open-review/", {"open_review-kind": "nonsense"})
    assert bad.status_code == 400
    assert client.post("/vendors/acme-crm/offboard/", {"offboard-reason": "Replaced"}).status_code == 302
    assert Vendor.objects.get(pk=vendor.pk).status == "offboarding"


@pytest.mark.django_db
def test_illegal_moves_are_refused_and_decided_reviews_offer_none(
    client, reviewer, second_reviewer, vendor, blocked_review
):
    client.force_login(second_reviewer)
    response = client.post(f"/reviews/{blocked_review.pk}/submit/", {})
    assert response.status_code == 409
    assert "Cannot submit a review that is in review" in response.content.decode()
    rejected = client.post(f"/reviews/{blocked_review.pk}/reject/", {"reject-note": "No DPA."})
    assert rejected.status_code == 302
    page = client.get(f"/reviews/{blocked_review.pk}/").content.decode()
    assert "a decision is final" in page
    assert client.post(f"/reviews/{blocked_review.pk}/no-such-move/").status_code == 404


@pytest.mark.django_db
def test_evidence_added_on_the_vendor_page_can_back_a_requirement(client, reviewer, vendor):
    client.force_login(reviewer)
    expires = (TODAY + datetime.timedelta(days=365)).isoformat()
    bad = client.post("/vendors/acme-crm/documents/", {"document-kind": "nonsense", "document-title": "X"})
    assert bad.status_code == 400
    added = client.post(
        "/vendors/acme-crm/documents/",
        {"document-kind": "dpa", "document-title": "Signed DPA", "document-expires_on": expires},
    )
    assert added.status_code == 302
    document = vendor.documents.get()
    status = VendorRequirement.objects.filter(vendor=vendor).first()
    assert mark_met(client, vendor, [status], document).status_code == 302
