"""Background work of intake: telling the security reviewers that a request is waiting."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import SECURITY_REVIEWER

from .models import IntakeRequest


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def intake_notify_reviewers(intake_request_id: int) -> int:
    """Email every active security reviewer about a submitted request. Returns how many were emailed.

    Idempotent: the request remembers when reviewers were told, so a retried or repeated task sends nothing.
    """
    with transaction.atomic():
        intake = (
            IntakeRequest.objects.select_for_update(of=("self",))
            .select_related("requester", "vendor", "review")
            .get(pk=intake_request_id)
        )
        if intake.reviewers_notified_at is not None or intake.vendor is None:
            return 0
        recipients = list(
            get_user_model()
            .objects.filter(groups__name=SECURITY_REVIEWER, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
        if recipients:
            send_mail(
                subject=f"Intake request: {intake.vendor.display_name} (tier {intake.tier or '?'})",
                message=_message(intake),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=sorted(recipients),
            )
        intake.reviewers_notified_at = timezone.now()
        intake.save(update_fields=["reviewers_notified_at", "updated_at"])
    return len(recipients)


def _message(intake):
    return (
        f"{intake.requester.get_username()} asks to use {intake.vendor.display_name} "
        f"for {intake.service_name or 'an unnamed service'}.\n\n"
        f"Computed tier: {intake.tier or 'unknown'}\n"
        f"Integration: {intake.get_mechanism_display()}\n"
        f"Intake review: #{intake.review_id} (in the admin, under Reviews)\n"
        f"Request: {reverse('admin:intake_intakerequest_change', args=[intake.pk])}\n"
    )
