"""Procurement writes within bounds: a submit re-checks the register as it is now, a buyer's requests are limited,
a repeated request adds nothing, and a saved submit is never answered with a 500 by its notification."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.datamap.models import DataFlow
from apps.intake.choices import IntakeStatus
from apps.intake.models import IntakeRequest
from apps.notifications.models import EmailNotification
from apps.notifications.services import deliveries_requeue_stale
from apps.reviews.models import Review
from apps.vendors.choices import VendorStatus
from tests.factories.datamap import SystemFactory
from tests.factories.vendors import VendorFactory
from tests.notifications.conftest import flaky_mail  # noqa: F401 - the mail server that fails on demand

CREATE = reverse("intake:create")


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def acme(db):
    return VendorFactory(slug="acme", display_name="Acme", status=VendorStatus.ACTIVE)


def draft(client, answers):
    response = client.post(CREATE, {**answers, "intent": "draft"})
    assert response.status_code == 302
    return IntakeRequest.objects.order_by("-id").first()


def submit(client, intake, answers):
    return client.post(reverse("intake:edit", args=[intake.pk]), {**answers, "intent": "submit"})


def field_errors(response):
    return response.context["form"].errors


@pytest.mark.parametrize("status", [VendorStatus.TERMINATED, VendorStatus.OFFBOARDING])
def test_a_vendor_that_left_meanwhile_refuses_the_submit(buyer_client, answers, acme, status):
    answers.update(vendor_choice="existing", existing_vendor_name="Acme")
    intake = draft(buyer_client, answers)
    type(acme).objects.filter(pk=acme.pk).update(status=status)
    response = submit(buyer_client, intake, answers)
    assert response.status_code == 200
    assert status.replace("_", " ") in " ".join(field_errors(response)["existing_vendor_name"])
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT
    assert not DataFlow.objects.exists()
    assert not Review.objects.exists()


def test_a_system_removed_since_the_draft_refuses_the_submit(buyer, buyer_client, answers, console):
    from apps.intake.services import intake_submit

    second = SystemFactory(slug="chatgpt-web", name="ChatGPT web")
    intake = draft(buyer_client, {**answers, "systems": [console.slug, second.slug]})
    second.delete()
    with pytest.raises(ValidationError) as error:
        intake_submit(intake_request=intake, actor=buyer)
    assert "systems" in error.value.message_dict
    assert not DataFlow.objects.exists()


def test_open_requests_per_buyer_are_limited(settings, buyer_client, answers):
    settings.INTAKE_MAX_OPEN_PER_BUYER = 2
    draft(buyer_client, answers)
    draft(buyer_client, {**answers, "vendor_name": "Second Analytics"})
    response = buyer_client.post(CREATE, {**answers, "vendor_name": "Third Analytics", "intent": "draft"}, follow=True)
    assert "at most 2 open requests" in response.content.decode()
    assert IntakeRequest.objects.count() == 2


def test_submits_per_day_are_limited(settings, buyer_client, answers, acme):
    settings.INTAKE_MAX_SUBMITS_PER_DAY = 1
    answers.update(vendor_choice="existing", existing_vendor_name="Acme")
    first, second = draft(buyer_client, answers), draft(buyer_client, answers)
    assert submit(buyer_client, first, answers).status_code == 302
    response = buyer_client.post(reverse("intake:edit", args=[second.pk]), {**answers, "intent": "submit"}, follow=True)
    assert "at most 1 request a day" in response.content.decode()
    second.refresh_from_db()
    assert second.status == IntakeStatus.DRAFT


def test_the_same_request_again_adds_no_flow_and_no_review(buyer_client, answers, acme):
    answers.update(vendor_choice="existing", existing_vendor_name="Acme")
    for _ in range(3):
        intake = draft(buyer_client, answers)
        assert submit(buyer_client, intake, answers).status_code == 302
    assert IntakeRequest.objects.filter(status=IntakeStatus.SUBMITTED).count() == 3
    assert DataFlow.objects.filter(vendor=acme).count() == 1
    assert Review.objects.filter(vendor=acme).count() == 1
    assert set(IntakeRequest.objects.values_list("review", flat=True)) == {Review.objects.get().pk}


def test_a_request_with_new_data_still_adds_its_flow(buyer_client, answers, acme):
    answers.update(vendor_choice="existing", existing_vendor_name="Acme")
    submit(buyer_client, draft(buyer_client, answers), answers)
    more = {**answers, "categories": [*answers["categories"], "ip-address"]}
    submit(buyer_client, draft(buyer_client, more), more)
    assert DataFlow.objects.filter(vendor=acme).count() == 2


def test_a_newline_in_the_vendor_name_is_saved_and_the_reviewers_told(
    buyer_client, reviewer, answers, django_capture_on_commit_callbacks
):
    answers["vendor_name"] = "Pageview\r\nBcc: victim@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(CREATE, answers)
    assert response.status_code == 302
    assert IntakeRequest.objects.get().status == IntakeStatus.SUBMITTED
    [message] = mail.outbox
    assert message.to == [reviewer.email]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Pageview Bcc: victim@example.com" in message.subject
    assert message.bcc == []
    assert EmailNotification.objects.get().status == "succeeded"


def test_a_failed_intake_email_is_kept_and_resent_by_the_hourly_check(
    buyer_client,
    reviewer,
    answers,
    django_capture_on_commit_callbacks,
    flaky_mail,  # noqa: F811
):
    import datetime

    from django.utils import timezone

    flaky_mail.failures = 100  # the mail server is down for every retry of this request
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(CREATE, answers)
    assert response.status_code == 302
    assert IntakeRequest.objects.get().status == IntakeStatus.SUBMITTED
    email = EmailNotification.objects.get()
    assert email.recipient == reviewer.email and email.status != "succeeded"

    flaky_mail.failures = 0
    EmailNotification.objects.filter(pk=email.pk).update(status="retrying")
    later = timezone.now() + datetime.timedelta(hours=3)
    assert deliveries_requeue_stale(now=later) == 1
    email.refresh_from_db()
    assert email.status == "succeeded"
    assert "Pageview Analytics" in mail.outbox[-1].subject
