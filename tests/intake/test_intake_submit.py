"""Submitting a request: what it creates in the register, once, in one transaction, and who hears of it."""

import re
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.core.exceptions import TransitionRefused
from apps.datamap.choices import Mechanism, Sharing
from apps.datamap.models import DataFlow, DataFlowCategory
from apps.intake.choices import IntakeStatus
from apps.intake.models import IntakeRequest
from apps.intake.services import intake_submit
from apps.intake.signals import intake_submitted
from apps.reviews.choices import ReviewKind
from apps.reviews.models import Review
from apps.risk.models import Baseline, VendorRequirement
from apps.vendors.choices import VendorStatus
from apps.vendors.models import Vendor, VendorService
from tests.factories.datamap import SystemFactory
from tests.factories.vendors import VendorFactory

CREATE = reverse("intake:create")


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def submit(client, answers, url=CREATE):
    return client.post(url, answers)


def test_submit_creates_the_data_map_tier_requirements_and_review(
    buyer_client, buyer, reviewer, answers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(buyer_client, answers)
    assert response.status_code == 302
    assert response.url == reverse("intake:list")

    intake = IntakeRequest.objects.get()
    vendor = Vendor.objects.get(slug="pageview-analytics")
    assert (intake.status, intake.requester, intake.vendor) == (IntakeStatus.SUBMITTED, buyer, vendor)
    assert intake.submitted_at is not None
    assert vendor.status == VendorStatus.PROPOSED
    assert (vendor.display_name, vendor.website, vendor.hq_country, vendor.category) == (
        "Pageview Analytics",
        "https://pageview.example",
        "US",
        "analytics",
    )
    service = VendorService.objects.get(vendor=vendor)
    assert service.name == "Web analytics"
    flow = DataFlow.objects.get(vendor=vendor)
    assert flow.code == "platform-openai-com-to-pageview-analytics"
    assert flow.service == service
    assert flow.mechanism == Mechanism.CLIENT_SIDE_SDK
    assert flow.data_subjects == ["API users", "organisations"]
    assert flow.estimated_records == 250_000
    assert set(
        DataFlowCategory.objects.filter(flow=flow, sharing=Sharing.SHARED).values_list("category__code", flat=True)
    ) == {
        "email-address",
        "approximate-location",
    }

    # The tier is the register's own computation, and the requirements are its current baseline's.
    assert vendor.tier is not None
    assert intake.tier == vendor.tier
    baseline = Baseline.objects.current().get(tier=vendor.tier)
    expected = set(baseline.requirements.values_list("code", flat=True))
    assert expected, "the reference baselines should give this tier requirements"
    assert set(VendorRequirement.objects.filter(vendor=vendor).values_list("requirement__code", flat=True)) == expected

    review = Review.objects.get(vendor=vendor)
    assert (review.kind, review.requested_by) == (ReviewKind.INTAKE, buyer)
    assert intake.review == review

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [reviewer.email]
    assert "Pageview Analytics" in mail.outbox[0].subject
    assert "buyer asks to use Pageview Analytics" in mail.outbox[0].body


def test_submitted_request_is_listed_as_submitted(buyer_client, answers):
    submit(buyer_client, answers)
    html = buyer_client.get(reverse("intake:list")).content.decode()
    assert "Pageview Analytics" in html
    assert '<span class="status status--submitted">Submitted</span>' in html


def test_double_submit_creates_nothing_twice(buyer_client, reviewer, answers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(buyer_client, answers)
    intake = IntakeRequest.objects.get()
    url = reverse("intake:edit", args=[intake.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = submit(buyer_client, answers, url=url)
    assert response.status_code == 302
    assert callbacks == []
    assert IntakeRequest.objects.count() == 1
    assert Vendor.objects.count() == 1
    assert DataFlow.objects.count() == 1
    assert Review.objects.count() == 1
    assert len(mail.outbox) == 1
    follow = buyer_client.get(url)
    assert "has been submitted and can no longer be edited" in follow.content.decode()


def test_service_refuses_a_second_submit(buyer, answers, buyer_client):
    submit(buyer_client, {**answers, "intent": "draft"})
    intake = IntakeRequest.objects.get()
    intake_submit(intake_request=intake, actor=buyer)
    with pytest.raises(TransitionRefused) as refused:
        intake_submit(intake_request=intake, actor=buyer)
    assert refused.value.code == "already_submitted"
    assert Review.objects.count() == 1


def test_only_the_requester_can_submit(buyer, other_buyer, answers, buyer_client):
    from django.core.exceptions import PermissionDenied

    submit(buyer_client, {**answers, "intent": "draft"})
    intake = IntakeRequest.objects.get()
    with pytest.raises(PermissionDenied):
        intake_submit(intake_request=intake, actor=other_buyer)
    assert not Vendor.objects.exists()


def test_submitted_request_cannot_be_edited(buyer_client, answers):
    submit(buyer_client, answers)
    intake = IntakeRequest.objects.get()
    url = reverse("intake:edit", args=[intake.pk])
    response = buyer_client.post(url, {**answers, "intent": "draft", "vendor_name": "Changed"})
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.vendor_name == "Pageview Analytics"
    html = buyer_client.get(url).content.decode()
    assert '<form method="post" action="' + url not in html
    assert "can no longer be changed" in html


def test_reviewers_are_emailed_once_even_if_the_email_task_runs_again(
    buyer_client, reviewer, second_reviewer, answers, django_capture_on_commit_callbacks
):
    from apps.notifications.models import EmailNotification
    from apps.notifications.tasks import send_email

    with django_capture_on_commit_callbacks(execute=True):
        submit(buyer_client, answers)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([reviewer.email, second_reviewer.email])
    for email in EmailNotification.objects.all():
        send_email(email.pk)
    assert len(mail.outbox) == 2


def test_no_email_before_commit(buyer_client, reviewer, answers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(buyer_client, answers)
    assert callbacks, "the email task should wait for the commit"
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_intake_submitted_signal_is_sent_once(buyer_client, answers):
    received = []

    def receiver(sender, intake_request, **kwargs):
        received.append(intake_request.pk)

    intake_submitted.connect(receiver)
    try:
        submit(buyer_client, answers)
        intake = IntakeRequest.objects.get()
        submit(buyer_client, answers, url=reverse("intake:edit", args=[intake.pk]))
    finally:
        intake_submitted.disconnect(receiver)
    assert received == [intake.pk]


def test_one_flow_per_system(buyer_client, answers):
    second = SystemFactory(slug="chatgpt-web", name="ChatGPT web")
    answers["systems"] = [*answers["systems"], second.slug]
    submit(buyer_client, answers)
    flows = DataFlow.objects.order_by("code")
    assert [f.system.slug for f in flows] == ["chatgpt-web", "platform-openai-com"]
    assert all(f.flow_categories.count() == 2 for f in flows)
    # The estimate is the vendor's total, recorded once so that the tier does not count it twice.
    assert sorted(f.estimated_records or 0 for f in flows) == [0, 250_000]


def test_existing_vendor_is_linked_not_created(buyer_client, answers):
    vendor = VendorFactory(slug="acme", display_name="Acme", status=VendorStatus.ACTIVE)
    answers.update(vendor_choice="existing", existing_vendor_name="acme")
    submit(buyer_client, answers)
    intake = IntakeRequest.objects.get()
    assert intake.vendor == vendor
    assert Vendor.objects.count() == 1
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.ACTIVE
    assert DataFlow.objects.get().vendor == vendor


def test_slug_taken_between_draft_and_submit_is_a_clear_error(buyer_client, answers):
    submit(buyer_client, {**answers, "intent": "draft"})
    intake = IntakeRequest.objects.get()
    VendorFactory(slug="pageview-analytics", display_name="Pageview Analytics")
    response = submit(buyer_client, answers, url=reverse("intake:edit", args=[intake.pk]))
    assert response.status_code == 200
    assert "already in the register" in response.context["form"].errors["vendor_name"][0]
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT


def test_service_rolls_back_everything_on_a_clash(buyer, answers, buyer_client):
    submit(buyer_client, {**answers, "intent": "draft"})
    intake = IntakeRequest.objects.get()
    VendorFactory(slug="pageview-analytics")
    with pytest.raises(ValidationError) as error:
        intake_submit(intake_request=intake, actor=buyer)
    assert "vendor_name" in error.value.message_dict
    assert not DataFlow.objects.exists()
    assert not Review.objects.exists()


def test_check_tier_shows_the_tier_and_requirements_in_plain_words(buyer_client, answers):
    response = buyer_client.post(CREATE, {**answers, "intent": "check"})
    intake = IntakeRequest.objects.get()
    assert intake.status == IntakeStatus.DRAFT
    assert response.url == reverse("intake:edit", args=[intake.pk]) + "#tier-feedback"
    response = buyer_client.get(response.url)
    feedback = response.context["feedback"]
    html = response.content.decode()
    assert 'id="tier-feedback"' in html
    assert f"What your answers imply: {feedback.tier_label}" in html
    assert "its code runs in our web pages" in html.lower()
    for requirement in feedback.requirements:
        assert requirement.title in html
    assert not Vendor.objects.exists()


def test_check_tier_uses_the_register_tier_function(buyer_client, answers):
    buyer_client.post(CREATE, {**answers, "intent": "check"})
    intake = IntakeRequest.objects.get()
    feedback = buyer_client.get(reverse("intake:edit", args=[intake.pk])).context["feedback"]
    # Submitting gives the vendor the tier that the feedback announced.
    submit(buyer_client, answers, url=reverse("intake:edit", args=[intake.pk]))
    intake.refresh_from_db()
    assert intake.vendor.tier == feedback.result.tier


def test_production_access_raises_the_tier_shown(buyer_client, answers):
    buyer_client.post(CREATE, {**answers, "intent": "check"})
    intake = IntakeRequest.objects.get()
    url = reverse("intake:edit", args=[intake.pk])
    before = buyer_client.get(url).context["feedback"].result.tier
    buyer_client.post(url, {**answers, "intent": "check", "production_access": "on"})
    after = buyer_client.get(url).context["feedback"]
    assert after.result.tier == 1
    assert before > after.result.tier
    assert "has access to our production systems" in after.result.reasons


def test_double_click_on_the_blank_form_creates_one_request(
    buyer_client, reviewer, answers, django_capture_on_commit_callbacks
):
    html = buyer_client.get(CREATE).content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f-]+)"', html).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(buyer_client, {**answers, "form_token": token})
        second = submit(buyer_client, {**answers, "form_token": token})
    intake = IntakeRequest.objects.get()
    assert first.url == reverse("intake:list")
    assert second.url == reverse("intake:edit", args=[intake.pk])
    assert (Vendor.objects.count(), DataFlow.objects.count(), Review.objects.count()) == (1, 1, 1)
    assert len(mail.outbox) == 1


def test_a_fresh_blank_form_is_a_new_request(buyer_client, answers):
    submit(buyer_client, {**answers, "intent": "draft", "form_token": str(uuid.uuid4())})
    submit(buyer_client, {**answers, "intent": "draft", "form_token": str(uuid.uuid4())})
    assert IntakeRequest.objects.count() == 2


def test_draft_saved_twice_from_the_blank_form_is_one_draft(buyer_client, answers):
    token = str(uuid.uuid4())
    submit(buyer_client, {**answers, "intent": "draft", "form_token": token})
    submit(buyer_client, {**answers, "intent": "draft", "form_token": token, "service_name": "Renamed"})
    assert IntakeRequest.objects.get().service_name == "Renamed"


def test_a_peer_tightening_is_shown_before_submit_and_applied_on_submit(
    buyer_client, reviewer, answers, django_capture_on_commit_callbacks
):
    """After a peer's incident, a new client-side analytics vendor receiving contact data gets the added rule."""
    from apps.risk.services import baseline_tighten

    rule = "no-personal-data-client-side-analytics-without-pseudonymisation"
    scope = {"category": "analytics", "mechanism": "client_side_sdk", "data_categories": ["contact"]}
    with django_capture_on_commit_callbacks(execute=True):
        baseline_tighten(requirement=rule, actor=reviewer, scope=scope, reason="Peer incident")

    checked = buyer_client.post(CREATE, {**answers, "intent": "check"}, follow=True)
    assert rule in checked.content.decode() or "pseudonymisation" in checked.content.decode()

    server_side = buyer_client.post(
        CREATE, {**answers, "vendor_name": "Server Side", "mechanism": "server_api", "intent": "check"}, follow=True
    )
    assert "pseudonymisation" not in server_side.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        submit(buyer_client, answers)
    vendor = Vendor.objects.get(slug="pageview-analytics")
    assert VendorRequirement.objects.filter(vendor=vendor, requirement__code=rule).exists()
