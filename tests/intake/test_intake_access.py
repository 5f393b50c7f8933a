"""Who may reach what: buyers see only their own requests; other roles and anonymous visitors are kept out."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from apps.intake.choices import IntakeStatus
from apps.intake.models import IntakeRequest
from apps.reviews.choices import ReviewState
from apps.reviews.services import review_approve, review_start, review_submit
from tests.factories.reviews import ReviewFactory

LIST = reverse("intake:list")
CREATE = reverse("intake:create")


@pytest.fixture
def others_draft(other_buyer):
    return IntakeRequest.objects.create(requester=other_buyer, vendor_name="Someone Else's Vendor")


@pytest.mark.parametrize("url", [LIST, CREATE])
def test_anonymous_visitors_are_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role_fixture", ["reviewer", "dashboard_user"])
@pytest.mark.parametrize("url", [LIST, CREATE])
def test_other_roles_get_403(client, request, role_fixture, url):
    client.force_login(request.getfixturevalue(role_fixture))
    # A reviewer who follows a buyer's link is sent where reviewers read requests; nobody else may look.
    expected = 302 if role_fixture == "reviewer" else 403
    assert client.get(url).status_code == expected
    assert client.post(CREATE, {"vendor_name": "X", "intent": "draft"}).status_code == 403
    assert not IntakeRequest.objects.exists()


def test_a_reviewer_following_a_request_link_lands_on_its_review(client, reviewer, buyer):
    from apps.reviews.services import review_open
    from tests.factories.vendors import VendorFactory

    review = review_open(vendor=VendorFactory(status="proposed"), kind="intake", requested_by=buyer)
    with_review = IntakeRequest.objects.create(requester=buyer, vendor_name="Reviewed", review=review)
    draft = IntakeRequest.objects.create(requester=buyer, vendor_name="Draft")
    client.force_login(reviewer)
    assert client.get(reverse("intake:edit", args=[with_review.pk])).url == f"/reviews/{review.pk}/"
    assert client.get(reverse("intake:edit", args=[draft.pk])).url == f"/admin/intake/intakerequest/{draft.pk}/change/"


def test_buyer_sees_only_their_own_requests_in_the_list(client, buyer, others_draft):
    mine = IntakeRequest.objects.create(requester=buyer, vendor_name="My Vendor")
    client.force_login(buyer)
    html = client.get(LIST).content.decode()
    assert "My Vendor" in html
    assert reverse("intake:edit", args=[mine.pk]) in html
    assert "Someone Else" not in html


def test_another_buyers_request_is_404(client, buyer, others_draft):
    client.force_login(buyer)
    url = reverse("intake:edit", args=[others_draft.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"vendor_name": "Hijacked", "intent": "draft"}).status_code == 404
    assert client.post(url, {"intent": "submit"}).status_code == 404
    others_draft.refresh_from_db()
    assert others_draft.vendor_name == "Someone Else's Vendor"
    assert others_draft.status == IntakeStatus.DRAFT


def test_buyer_can_come_back_to_a_draft(client, buyer, reference_data):
    draft = IntakeRequest.objects.create(requester=buyer, vendor_name="Come Back Later", service_name="Chat")
    client.force_login(buyer)
    response = client.get(reverse("intake:edit", args=[draft.pk]))
    assert response.status_code == 200
    assert 'value="Come Back Later"' in response.content.decode()
    response = client.post(reverse("intake:edit", args=[draft.pk]), {"vendor_name": "Renamed", "intent": "draft"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.vendor_name == "Renamed"
    assert IntakeRequest.objects.count() == 1


def test_buyer_cannot_reach_the_admin(client, buyer):
    client.force_login(buyer)
    for url in ("/admin/", "/admin/intake/intakerequest/", "/admin/reviews/review/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/admin/login/"), url


def test_buyer_cannot_approve_a_review(client, buyer, reviewer):
    review = ReviewFactory(kind="intake", requested_by=buyer)
    review_submit(review=review, actor=buyer)
    review_start(review=review, actor=reviewer)
    client.force_login(buyer)
    change = f"/admin/reviews/review/{review.pk}/change/"
    response = client.post(change, {"state": ReviewState.APPROVED, "summary": "approved by the buyer"})
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    response = client.post("/admin/reviews/review/", {"action": "approve", "_selected_action": [review.pk]})
    assert response.status_code == 302
    with pytest.raises(PermissionDenied):
        review_approve(review=review, actor=buyer)
    review.refresh_from_db()
    assert review.state == ReviewState.IN_REVIEW
    assert review.decided_by is None
    # And the intake pages offer no door to it either.
    assert "approve" not in client.get(LIST).content.decode().lower()


def test_reviewer_sees_every_request_in_the_admin(client, reviewer, buyer, others_draft):
    IntakeRequest.objects.create(requester=buyer, vendor_name="My Vendor")
    client.force_login(reviewer)
    html = client.get(reverse("admin:intake_intakerequest_changelist")).content.decode()
    assert "My Vendor" in html
    assert "Someone Else" in html
    response = client.get(reverse("admin:intake_intakerequest_change", args=[others_draft.pk]))
    assert response.status_code == 200
    assert client.get(reverse("admin:intake_intakerequest_add")).status_code == 403


def test_admin_changelist_query_count_does_not_grow(client, reviewer, buyer, django_assert_max_num_queries):
    client.force_login(reviewer)
    url = reverse("admin:intake_intakerequest_changelist")

    def make(count):
        IntakeRequest.objects.bulk_create(
            IntakeRequest(requester=buyer, vendor_name=f"Vendor {i}") for i in range(count)
        )

    make(5)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    make(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_login_page_labels_its_fields_and_summarises_a_failure(client, buyer):
    html = client.get(reverse("login")).content.decode()
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    response = client.post(reverse("login"), {"username": "buyer", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert "Please enter a correct username and password" in html
    response = client.post(reverse("login"), {"username": "buyer", "password": "correct-horse-battery"})
    # Everyone signs in to the dashboard at /, which sends a buyer on to their requests.
    assert response.url == "/"
    assert client.get(response.url).url == LIST
