"""After the buyer submits: the intake review waits as submitted, the buyer's list follows it to its decision, and
the buyer is emailed with a link that works for them (and lands a reviewer on the review)."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from apps.intake.models import IntakeRequest
from apps.reviews.services import review_approve, review_start
from apps.risk.models import VendorRequirement
from apps.risk.services import vendor_requirement_record
from tests.factories.vendors import DocumentFactory


@pytest.fixture
def submitted(client, buyer, reviewer, answers, django_capture_on_commit_callbacks):
    client.force_login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("intake:create"), answers).status_code == 302
    return IntakeRequest.objects.select_related("review", "vendor").get()


def test_the_intake_review_starts_submitted_as_the_request_says(submitted):
    assert (submitted.status, submitted.review.state) == ("submitted", "submitted")
    assert len(mail.outbox) == 1  # the intake email; the review's own move adds none


@override_settings(SITE_URL="https://register.example.com")
def test_the_buyer_sees_approved_and_gets_an_email_with_an_absolute_link(
    client, buyer, reviewer, second_reviewer, submitted, django_capture_on_commit_callbacks
):
    review, vendor = submitted.review, submitted.vendor
    review_start(review=review, actor=reviewer)
    evidence = DocumentFactory(vendor=vendor)
    for status in VendorRequirement.objects.filter(vendor=vendor):
        vendor_requirement_record(vendor_requirement=status, status="met", evidence=evidence, actor=reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_approve(review=review, actor=second_reviewer)

    to_buyer = [message for message in mail.outbox if buyer.email in message.to]
    assert len(to_buyer) == 1
    body = to_buyer[0].body
    assert "is now approved" in to_buyer[0].subject
    assert f"https://register.example.com/intake/{submitted.pk}/" in body
    assert "in_review" not in body and "moved from in review to approved" in body

    client.force_login(buyer)
    listing = client.get(reverse("intake:list")).content.decode()
    assert "Approved" in listing and ">Submitted<" not in listing
    assert "Approved" in client.get(reverse("intake:edit", args=[submitted.pk])).content.decode()
