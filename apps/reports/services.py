"""Writes of the reports app: approving a notice to affected users. One transaction each."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.roles import is_security_reviewer
from apps.core.exceptions import TransitionRefused
from apps.incidents.models import Incident

from .models import NoticeApproval
from .notices import NOTICE_LANGUAGES, notice_text


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def notice_approve(*, incident: Incident, lang: str, approver) -> NoticeApproval:
    """Approve the notice in `lang` as it reads now. Approving the same text again returns the first approval.

    Raises ValidationError on `lang`; TransitionRefused (code `not_a_reviewer`) when the approver is not a
    security reviewer.
    """
    if lang not in NOTICE_LANGUAGES:
        raise ValidationError({"lang": f"unknown language {lang!r}: choose one of {', '.join(NOTICE_LANGUAGES)}"})
    if not is_security_reviewer(approver):
        raise TransitionRefused("Only a security reviewer can approve a notice.", code="not_a_reviewer")
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    digest = text_digest(notice_text(incident=incident, lang=lang))
    approval, _ = NoticeApproval.objects.get_or_create(
        incident=incident,
        lang=lang,
        text_sha256=digest,
        defaults={"approved_by": approver, "approved_at": timezone.now()},
    )
    return approval
