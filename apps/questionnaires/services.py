"""Writes of the questionnaires app: banks, sending and reminding, the vendor's answers (by link), the review.

Reviewer services take `actor` and refuse anyone but a security reviewer. Portal services take the `link` the
vendor's session holds; they never take an id that is not checked against that link's questionnaire.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import require_security_reviewer
from apps.core.exceptions import TransitionRefused
from apps.core.headers import header_safe
from apps.risk.choices import RequirementStatus
from apps.risk.models import VendorRequirement
from apps.risk.services import vendor_requirement_record
from apps.vendors.choices import DocumentKind
from apps.vendors.services import document_create

from . import tokens
from .choices import AnswerReview, AnswerType, QuestionnaireState, ReminderKind
from .models import Answer, AnswerFile, PortalLink, Question, Questionnaire, QuestionnaireTransition, Reminder
from .selectors import bank_current, questions_for_tier, requirement_proposals
from .validation import clean_answer_value
from .workflow import AWAITING_VENDOR_STATES, VENDOR_EDITABLE_STATES, check_move

S = QuestionnaireState
CODE_TIERS = frozenset({1, 2})  # the one-time code is on by default for the most critical vendors


# --- state moves ----------------------------------------------------------------------------------------------
def _move(*, questionnaire, action, actor=None, by_email="", note="", on_request=False) -> Questionnaire:
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    transition = check_move(action, locked.state)
    if not transition.by_vendor and not on_request:
        require_security_reviewer(actor, f"{transition.label.lower()} a questionnaire")
    from_state, locked.state = locked.state, transition.target
    now = timezone.now()
    if transition.target == S.SENT:
        locked.sent_at = now
    if transition.target == S.SUBMITTED:
        locked.submitted_at = now
    if transition.target in (S.ACCEPTED, S.CANCELLED):
        locked.decided_at = now
    locked._history_user = actor
    locked.save()
    QuestionnaireTransition.objects.create(
        questionnaire=locked, from_state=from_state, to_state=locked.state, actor=actor, by_email=by_email, note=note
    )
    questionnaire.state, questionnaire.sent_at = locked.state, locked.sent_at
    questionnaire.submitted_at, questionnaire.decided_at = locked.submitted_at, locked.decided_at
    return locked


def _emit(questionnaire, kind, title, *, occurrence=1):
    from apps.notifications.services import event_emit

    event_emit(
        kind=kind,
        subject_type="questionnaire",
        subject_id=questionnaire.pk,
        payload={
            "title": title,
            "summary": f"{title} ({questionnaire.bank.name}, due {questionnaire.due_on}).",
            "vendor": str(questionnaire.vendor),
            "vendor_id": questionnaire.vendor_id,
            "questionnaire_id": questionnaire.pk,
            "state": questionnaire.state,
            "due_on": questionnaire.due_on.isoformat(),
        },
        dedupe_key=f"{kind}:{questionnaire.pk}:{occurrence}",
    )


# --- links and emails to the vendor -----------------------------------------------------------------------------
def _link_expiry(due_on):
    # A late vendor can still answer for a while after the due date; then the link is dead.
    end = datetime.datetime.combine(due_on, datetime.time.max, tzinfo=datetime.UTC)
    return end + datetime.timedelta(days=settings.PORTAL_LINK_GRACE_DAYS)


def _link_issue(*, questionnaire, email, sections=(), is_delegate=False) -> tuple[PortalLink, str]:
    token, token_digest = tokens.token_new()
    link = PortalLink.objects.create(
        questionnaire=questionnaire,
        email=email,
        token_digest=token_digest,
        is_delegate=is_delegate,
        expires_at=_link_expiry(questionnaire.due_on),
    )
    if sections:
        link.sections.set(sections)
    return link, token


def _portal_url(token, base_url=None):
    base = (base_url or settings.PORTAL_BASE_URL).rstrip("/")
    return f"{base}{reverse('portal:open', kwargs={'token': token})}"


def _mail_on_commit(*, to, subject, body):
    # The token is in the body only: it is never stored, so the email cannot be rebuilt later from the database.
    transaction.on_commit(lambda: send_mail(header_safe(subject), body, settings.DEFAULT_FROM_EMAIL, [to]), robust=True)


def _mail_link(*, questionnaire, email, token, base_url=None, reason="sent"):
    vendor = questionnaire.vendor
    intro = {
        "sent": f"{settings.PORTAL_SENDER_NAME} asks you to answer a security questionnaire for {vendor}.",
        "resent": f"Here is a new link to the security questionnaire for {vendor}.",
        "due_soon": f"Reminder: the security questionnaire for {vendor} is due on {questionnaire.due_on}.",
        "overdue": f"The security questionnaire for {vendor} was due on {questionnaire.due_on}. Please finish it.",
        "delegated": f"A colleague asks you to answer part of the security questionnaire for {vendor}.",
    }[reason]
    body = "\n".join(
        [
            intro,
            "",
            f"Open: {_portal_url(token, base_url)}",
            "",
            f"Due on: {questionnaire.due_on}. The link is personal: do not forward it (you can delegate sections",
            "to a colleague from the questionnaire itself). No account is needed; your answers are saved as you go.",
        ]
    )
    _mail_on_commit(to=email, subject=f"Security questionnaire for {vendor}", body=body)


def _links_revoke(questionnaire):
    PortalLink.objects.filter(questionnaire=questionnaire, revoked_at__isnull=True).update(revoked_at=timezone.now())


# --- reviewer: sending ----------------------------------------------------------------------------------------------
@transaction.atomic
def questionnaire_send(
    *, vendor, contact, due_on, actor, bank=None, code_required=None, base_url=None, note=""
) -> Questionnaire:
    """Create a questionnaire for `vendor` from `bank` (the current standard bank by default), with the questions
    its tier calls for, and email `contact` a link. Raises PermissionDenied, ValidationError (contact, due_on, bank).
    """
    require_security_reviewer(actor, "send a questionnaire")
    return _send(
        vendor=vendor,
        contact=contact,
        due_on=due_on,
        actor=actor,
        bank=bank,
        code_required=code_required,
        base_url=base_url,
        note=note,
    )


def _send(*, vendor, contact, due_on, actor, bank=None, code_required=None, base_url=None, note="", on_request=False):
    errors = {}
    if contact.vendor_id != vendor.pk:
        errors["contact"] = "The contact belongs to another vendor."
    elif not contact.email:
        errors["contact"] = "The contact has no email address."
    if due_on <= timezone.localdate():
        errors["due_on"] = "The due date must be in the future."
    bank = bank or bank_current()
    if bank is None:
        errors["bank"] = "No question bank is installed (manage.py questionnaire_bank_install)."
    if errors:
        raise ValidationError(errors)
    questions = list(questions_for_tier(bank=bank, tier=vendor.tier))
    if not questions:
        raise ValidationError({"bank": "No question of this bank applies to the vendor's tier."})
    if code_required is None:
        code_required = vendor.tier is None or vendor.tier in CODE_TIERS
    questionnaire = Questionnaire(
        vendor=vendor, bank=bank, contact=contact, tier=vendor.tier, due_on=due_on, code_required=code_required
    )
    questionnaire.created_by = actor
    questionnaire._history_user = actor
    questionnaire.save()
    questionnaire.questions.set(questions)
    Answer.objects.bulk_create(Answer(questionnaire=questionnaire, question=q) for q in questions)
    _move(questionnaire=questionnaire, action="send", actor=actor, note=note, on_request=on_request)
    _, token = _link_issue(questionnaire=questionnaire, email=contact.email)
    _mail_link(questionnaire=questionnaire, email=contact.email, token=token, base_url=base_url)
    _emit(questionnaire, "questionnaire.sent", f"Questionnaire sent to {vendor}")
    return questionnaire


@transaction.atomic
def questionnaire_send_for_intake(*, vendor, contact_email, requested_by, contact_name="") -> Questionnaire | None:
    """The intake option "send the standard questionnaire": at submit, the buyer's request sends our current bank
    to the contact they named (added to the vendor's contacts when new), due in QUESTIONNAIRE_INTAKE_DUE_DAYS.

    No reviewer judgement is skipped: the bank and the questions are the register's, and what comes back is
    reviewed as any other questionnaire. Nothing is sent when the vendor already has one in progress (None).
    """
    from apps.vendors.models import Contact
    from apps.vendors.services import contact_create

    open_states = AWAITING_VENDOR_STATES | {S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW}
    if Questionnaire.objects.filter(vendor=vendor, state__in=open_states).exists():
        return None
    contact = Contact.objects.filter(vendor=vendor, email__iexact=contact_email).first() or contact_create(
        vendor=vendor, actor=requested_by, name=(contact_name or contact_email)[:200], email=contact_email
    )
    due_on = timezone.localdate() + datetime.timedelta(days=settings.QUESTIONNAIRE_INTAKE_DUE_DAYS)
    return _send(
        vendor=vendor,
        contact=contact,
        due_on=due_on,
        actor=requested_by,
        note="Asked for at intake",
        on_request=True,
    )


def _awaiting_vendor(questionnaire, what):
    if questionnaire.state not in AWAITING_VENDOR_STATES:
        label = QuestionnaireState(questionnaire.state).label.lower()
        raise TransitionRefused(f"Cannot {what} a questionnaire that is {label}.", code="not_awaiting_vendor")


@transaction.atomic
def questionnaire_resend(*, questionnaire, actor, base_url=None) -> PortalLink:
    """Email the contact a new link (the earlier ones stop working). Raises PermissionDenied, TransitionRefused."""
    require_security_reviewer(actor, "resend a questionnaire")
    questionnaire = (
        Questionnaire.objects.select_for_update().select_related("contact", "vendor").get(pk=questionnaire.pk)
    )
    _awaiting_vendor(questionnaire, "resend")
    PortalLink.objects.filter(questionnaire=questionnaire, is_delegate=False, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    link, token = _link_issue(questionnaire=questionnaire, email=questionnaire.contact.email)
    _mail_link(questionnaire=questionnaire, email=link.email, token=token, base_url=base_url, reason="resent")
    return link


@transaction.atomic
def questionnaire_extend(*, questionnaire, due_on, actor) -> Questionnaire:
    """Move the due date (links live until the new date plus the grace days). Reminders start again for it."""
    require_security_reviewer(actor, "extend a questionnaire")
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _awaiting_vendor(locked, "extend")
    if due_on <= timezone.localdate():
        raise ValidationError({"due_on": "The due date must be in the future."})
    locked.due_on = due_on
    locked._history_user = actor
    locked.save(update_fields=["due_on", "updated_at"])
    PortalLink.objects.filter(questionnaire=locked, revoked_at__isnull=True).update(expires_at=_link_expiry(due_on))
    questionnaire.due_on = due_on
    return locked


@transaction.atomic
def questionnaire_cancel(*, questionnaire, actor, note="") -> Questionnaire:
    """Cancel; every link stops working at once. Raises PermissionDenied, TransitionRefused."""
    locked = _move(questionnaire=questionnaire, action="cancel", actor=actor, note=note)
    _links_revoke(locked)
    return locked


@transaction.atomic
def questionnaire_remind(*, questionnaire, kind=ReminderKind.DUE_SOON, actor=None, base_url=None) -> bool:
    """Send one reminder of `kind` for the current due date; False when it was sent already (nothing is sent).

    The reminder carries a fresh link for the contact (the first email's link keeps working too).
    """
    if actor is not None:
        require_security_reviewer(actor, "remind a vendor")
    locked = Questionnaire.objects.select_for_update().select_related("contact", "vendor").get(pk=questionnaire.pk)
    _awaiting_vendor(locked, "remind")
    _, created = Reminder.objects.get_or_create(questionnaire=locked, kind=kind, due_on=locked.due_on)
    if not created:
        return False
    _, token = _link_issue(questionnaire=locked, email=locked.contact.email)
    _mail_link(questionnaire=locked, email=locked.contact.email, token=token, base_url=base_url, reason=kind)
    return True


def reminders_send(*, today=None) -> dict:
    """The daily check: a reminder a few days before the due date, and one the day after. Idempotent."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.QUESTIONNAIRE_REMIND_DAYS_BEFORE)
    waiting = Questionnaire.objects.filter(state__in=AWAITING_VENDOR_STATES).order_by("pk")
    sent = {ReminderKind.DUE_SOON: 0, ReminderKind.OVERDUE: 0}
    for kind, candidates in (
        (ReminderKind.DUE_SOON, waiting.filter(due_on__gt=today, due_on__lte=soon)),
        (ReminderKind.OVERDUE, waiting.filter(due_on__lt=today)),
    ):
        for questionnaire_id in candidates.values_list("pk", flat=True):
            # One transaction per questionnaire: one failing does not hold back the others' reminders.
            if questionnaire_remind(questionnaire=Questionnaire(pk=questionnaire_id), kind=kind):
                sent[kind] += 1
    return {str(kind): count for kind, count in sent.items()}


# --- the portal (the vendor, by link) -------------------------------------------------------------------------
def portal_link_find(*, token: str, now=None):
    """The usable link whose token this is, or None (unknown, expired, revoked, or the questionnaire is closed)."""
    if not token or len(token) > 100:
        return None
    link = (
        PortalLink.objects.select_related("questionnaire__vendor", "questionnaire__bank")
        .filter(token_digest=tokens.digest(token))
        .first()
    )
    if (
        link is None
        or not link.is_usable(now)
        or link.questionnaire.state
        not in AWAITING_VENDOR_STATES
        | {
            S.SUBMITTED,
            S.UNDER_REVIEW,
        }
    ):
        return None
    return link


@transaction.atomic
def portal_code_send(*, link) -> None:
    """Email a fresh one-time code to the link's address (the previous code stops working)."""
    code, code_digest = tokens.code_new()
    PortalLink.objects.filter(pk=link.pk).update(
        code_digest=code_digest,
        code_attempts=0,
        code_expires_at=timezone.now() + datetime.timedelta(minutes=settings.PORTAL_CODE_MINUTES),
    )
    _mail_on_commit(
        to=link.email,
        subject="Your one-time code",
        body=f"Your code to open the security questionnaire: {code}\n\nIt works once, for "
        f"{settings.PORTAL_CODE_MINUTES} minutes. If you did not ask for it, ignore this email.",
    )


@transaction.atomic
def portal_code_check(*, link, code: str) -> bool:
    """Whether `code` is the link's current code. Each code works once; after a few wrong tries it is void."""
    locked = PortalLink.objects.select_for_update().get(pk=link.pk)
    if not locked.code_digest or locked.code_expires_at is None or locked.code_expires_at < timezone.now():
        return False
    if locked.code_attempts >= settings.PORTAL_CODE_ATTEMPTS:
        return False
    if tokens.matches((code or "").strip(), locked.code_digest):
        locked.code_digest, locked.code_expires_at = "", None
        locked.save(update_fields=["code_digest", "code_expires_at"])
        return True
    locked.code_attempts += 1
    locked.save(update_fields=["code_attempts"])
    return False


def _portal_answers(link):
    """The answers this link may see: its questionnaire's, limited to its sections for a delegate."""
    answers = Answer.objects.filter(questionnaire_id=link.questionnaire_id).select_related("question__section")
    section_ids = list(link.sections.values_list("pk", flat=True))
    if section_ids:
        answers = answers.filter(question__section_id__in=section_ids)
    return answers


def _vendor_may_edit(questionnaire, answer):
    if questionnaire.state not in VENDOR_EDITABLE_STATES:
        return False
    # A returned questionnaire is open only where the reviewer asked a follow-up.
    return questionnaire.state != S.RETURNED or answer.review == AnswerReview.FOLLOW_UP


@transaction.atomic
def portal_answers_save(*, link, values: dict, comments: dict | None = None, files: dict | None = None) -> int:
    """Save what the vendor typed. `values`/`comments`/`files` are keyed by question id; ids outside the link's
    questions are ignored. Returns how many answers changed. Raises ValidationError keyed `q<question id>` (nothing
    is saved when any value or file is refused), TransitionRefused when the questionnaire is no longer open.
    """
    questionnaire = Questionnaire.objects.select_for_update().get(pk=link.questionnaire_id)
    if questionnaire.state not in VENDOR_EDITABLE_STATES:
        raise TransitionRefused("This questionnaire can no longer be changed.", code="read_only")
    comments, files = comments or {}, files or {}
    answers = {answer.question_id: answer for answer in _portal_answers(link)}
    errors, changed, uploads = {}, [], []
    now = timezone.now()
    for question_id, answer in answers.items():
        question = answer.question
        if question_id not in values and question_id not in files and question_id not in comments:
            continue
        if not _vendor_may_edit(questionnaire, answer):
            continue
        try:
            value = clean_answer_value(question, values.get(question_id, answer.value))
        except ValidationError as error:
            errors[f"q{question_id}"] = error.messages
            continue
        comment = (comments.get(question_id, answer.comment) or "").strip()[:5000]
        upload = files.get(question_id)
        if upload is not None:
            record = AnswerFile(answer=answer, file=upload, name=str(upload.name)[:200], uploaded_by=link.email)
            try:
                record.full_clean(exclude=["answer"])
            except ValidationError as error:
                errors[f"q{question_id}"] = [m for ms in error.message_dict.values() for m in ms]
                continue
            uploads.append(record)
            if question.answer_type == AnswerType.FILE and value in (None, ""):
                value = "file"
        if value != answer.value or comment != answer.comment or upload is not None:
            answer.value, answer.comment, answer.answered_by, answer.answered_at = value, comment, link.email, now
            changed.append(answer)
    if errors:
        raise ValidationError(errors)
    for answer in changed:
        answer.save()
    for record in uploads:
        record.save()
    if changed and questionnaire.state == S.SENT:
        _move(questionnaire=questionnaire, action="open", by_email=link.email)
    PortalLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return len(changed)


@transaction.atomic
def portal_file_remove(*, link, file_id) -> None:
    """Remove a file the vendor attached, while the answer is still theirs to change. Raises ValidationError."""
    record = AnswerFile.objects.filter(pk=file_id, answer__in=_portal_answers(link)).select_related("answer").first()
    questionnaire = Questionnaire.objects.select_for_update().get(pk=link.questionnaire_id)
    if record is None or not _vendor_may_edit(questionnaire, record.answer):
        raise ValidationError({"file": "No such file to remove."})
    record.file.delete(save=False)
    record.delete()


@transaction.atomic
def portal_delegate(*, link, email: str, section_ids) -> PortalLink:
    """Give a colleague their own link to some sections. Raises ValidationError (email, sections)."""
    from django.core.validators import validate_email

    if link.is_delegate:
        raise ValidationError({"email": "Only the person the questionnaire was sent to can delegate."})
    questionnaire = Questionnaire.objects.select_for_update().select_related("vendor").get(pk=link.questionnaire_id)
    if questionnaire.state not in VENDOR_EDITABLE_STATES:
        raise TransitionRefused("This questionnaire can no longer be changed.", code="read_only")
    errors = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter a valid email address."
    sections = list(questionnaire.bank.sections.filter(pk__in=[int(s) for s in section_ids if str(s).isdigit()]))
    if not sections:
        errors["sections"] = "Choose at least one section."
    if errors:
        raise ValidationError(errors)
    delegate, token = _link_issue(questionnaire=questionnaire, email=email, sections=sections, is_delegate=True)
    _mail_link(questionnaire=questionnaire, email=email, token=token, reason="delegated")
    return delegate


@transaction.atomic
def portal_submit(*, link) -> Questionnaire:
    """Hand the answers in; the portal is read-only after. Raises TransitionRefused (a delegate, or unanswered)."""
    if link.is_delegate:
        raise TransitionRefused("Only the person the questionnaire was sent to can submit it.", code="delegate")
    questionnaire = (
        Questionnaire.objects.select_for_update().select_related("vendor", "bank").get(pk=link.questionnaire_id)
    )
    check_move("submit", questionnaire.state)
    unanswered = [a for a in questionnaire.answers.all() if not a.is_answered]
    if unanswered:
        raise TransitionRefused(f"{len(unanswered)} questions are not answered yet.", code="unanswered")
    questionnaire.answers.filter(review=AnswerReview.FOLLOW_UP).update(review=AnswerReview.PENDING)
    _move(questionnaire=questionnaire, action="submit", by_email=link.email)
    occurrence = questionnaire.transitions.filter(to_state=S.SUBMITTED).count()
    _emit(
        questionnaire,
        "questionnaire.submitted",
        f"Questionnaire submitted by {questionnaire.vendor}",
        occurrence=occurrence,
    )
    return questionnaire


# --- reviewer: the review -------------------------------------------------------------------------------------------
@transaction.atomic
def questionnaire_start_review(*, questionnaire, actor) -> Questionnaire:
    return _move(questionnaire=questionnaire, action="start_review", actor=actor)


def _lock_for_review(questionnaire_id, actor, *states):
    """The questionnaire, locked, when `actor` is a security reviewer and it is in one of `states`."""
    require_security_reviewer(actor, "review answers")
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire_id)
    if questionnaire.state not in states:
        label = QuestionnaireState(questionnaire.state).label.lower()
        raise TransitionRefused(
            f"Answers of a questionnaire that is {label} cannot be reviewed.", code="not_under_review"
        )
    return questionnaire


@transaction.atomic
def answer_review(*, answer, decision, actor, comment="") -> Answer:
    """Accept or reject one answer, with a comment. Raises ValidationError (decision), TransitionRefused."""
    _lock_for_review(answer.questionnaire_id, actor, S.UNDER_REVIEW)
    if decision not in (AnswerReview.ACCEPTED, AnswerReview.REJECTED):
        raise ValidationError({"decision": "Use accepted or rejected (ask a follow-up with answer_follow_up)."})
    if decision == AnswerReview.REJECTED and not comment.strip():
        raise ValidationError({"comment": "Say why the answer is rejected."})
    answer.review, answer.review_comment = decision, comment.strip()
    answer.reviewed_by, answer.reviewed_at, answer.applied_at = actor, timezone.now(), None
    answer._history_user = actor
    answer.save()
    return answer


@transaction.atomic
def answer_follow_up(*, answer, actor, comment) -> Answer:
    """Ask the vendor about one answer: the question reopens for them and the questionnaire goes back to them."""
    questionnaire = _lock_for_review(answer.questionnaire_id, actor, S.UNDER_REVIEW, S.RETURNED)
    if not (comment or "").strip():
        raise ValidationError({"comment": "Say what the vendor should add or change."})
    answer.review, answer.review_comment = AnswerReview.FOLLOW_UP, comment.strip()
    answer.reviewed_by, answer.reviewed_at, answer.applied_at = actor, timezone.now(), None
    answer._history_user = actor
    answer.save()
    if questionnaire.state == S.UNDER_REVIEW:
        _move(questionnaire=questionnaire, action="return", actor=actor, note=f"Follow-up on {answer.question.code}")
        _, token = _link_issue(questionnaire=questionnaire, email=questionnaire.contact.email)
        _mail_link(questionnaire=questionnaire, email=questionnaire.contact.email, token=token, reason="resent")
    return answer


def _evidence_document(answer_file, *, vendor, actor):
    if answer_file.document_id is None:
        answer_file.file.open("rb")
        content = ContentFile(answer_file.file.read(), name=answer_file.name)
        answer_file.file.close()
        answer_file.document = document_create(
            vendor=vendor,
            actor=actor,
            kind=DocumentKind.OTHER,
            title=f"Questionnaire evidence: {answer_file.answer.question.code} ({answer_file.name})"[:200],
            issued_on=answer_file.uploaded_at.date(),
            file=content,
        )
        answer_file.save(update_fields=["document"])
    return answer_file.document


@transaction.atomic
def proposals_apply(*, questionnaire, actor) -> list[dict]:
    """Apply what the reviewed answers propose to the vendor's requirement statuses, through the risk service
    (each change in its audit history). "Met" needs evidence: without an attached file it becomes in progress.
    Requirements the vendor does not have (another tier) are skipped. Returns what changed.
    """
    locked = _lock_for_review(questionnaire.pk, actor, S.UNDER_REVIEW)
    vendor = locked.vendor
    statuses = {
        vr.requirement_id: vr
        for vr in VendorRequirement.objects.filter(vendor=vendor).select_related("requirement", "evidence")
    }
    applied = []
    for proposal in requirement_proposals(questionnaire=locked):
        status_row = statuses.get(proposal["requirement"].pk)
        if status_row is None or proposal["status"] is None:
            continue
        status, evidence = proposal["status"], None
        if status == RequirementStatus.MET:
            if proposal["files"]:
                evidence = _evidence_document(proposal["files"][0], vendor=vendor, actor=actor)
            else:
                status = RequirementStatus.IN_PROGRESS
        note = f"From questionnaire #{locked.pk}, answers {', '.join(proposal['question_codes'])}."
        if status_row.status == RequirementStatus.EXCEPTION:
            continue  # a granted exception is a reviewer's decision on a review; answers do not overturn it
        vendor_requirement_record(
            vendor_requirement=status_row, status=status, actor=actor, evidence=evidence, note=note
        )
        applied.append({"requirement": proposal["requirement"].code, "status": status})
    locked.answers.filter(review__in=[AnswerReview.ACCEPTED, AnswerReview.REJECTED]).update(applied_at=timezone.now())
    return applied


@transaction.atomic
def questionnaire_accept(*, questionnaire, actor, note="") -> Questionnaire:
    """Accept the questionnaire: every answer must be reviewed; proposals are applied; links stop working.

    The vendor's "security questionnaire answered" requirement, where it applies, becomes met with a document
    recording the accepted questionnaire.
    """
    require_security_reviewer(actor, "accept a questionnaire")
    locked = Questionnaire.objects.select_for_update().select_related("vendor", "bank").get(pk=questionnaire.pk)
    check_move("accept", locked.state)
    pending = locked.answers.exclude(review__in=[AnswerReview.ACCEPTED, AnswerReview.REJECTED]).count()
    if pending:
        raise TransitionRefused(f"{pending} answers are not reviewed yet.", code="answers_pending")
    proposals_apply(questionnaire=locked, actor=actor)
    own = VendorRequirement.objects.filter(vendor=locked.vendor, requirement__code=settings.QUESTIONNAIRE_REQUIREMENT)
    status_row = own.first()
    if status_row is not None and status_row.status != RequirementStatus.EXCEPTION:
        record = document_create(
            vendor=locked.vendor,
            actor=actor,
            kind=DocumentKind.QUESTIONNAIRE,
            title=f"{locked.bank.name} v{locked.bank.version}, accepted (questionnaire #{locked.pk})"[:200],
            issued_on=timezone.localdate(),
        )
        vendor_requirement_record(
            vendor_requirement=status_row,
            status=RequirementStatus.MET,
            actor=actor,
            evidence=record,
            note=f"Questionnaire #{locked.pk} accepted.",
        )
    locked = _move(questionnaire=locked, action="accept", actor=actor, note=note)
    _links_revoke(locked)
    _emit(locked, "questionnaire.accepted", f"Questionnaire of {locked.vendor} accepted")
    return locked


# --- question banks -------------------------------------------------------------------------------------------
def _next_version(slug):
    from .models import QuestionBank

    latest = QuestionBank.objects.filter(slug=slug).order_by("-version").values_list("version", flat=True).first()
    return (latest or 0) + 1


@transaction.atomic
def bank_create(*, slug, name, questions, actor=None, source="", description="", section_translations=None):
    """A new version of bank `slug` from parsed questions (apps.questionnaires.importing.ParsedQuestion); it becomes
    the current one. Raises ValidationError({"file": [...]}) naming each unknown requirement code's row and column,
    with nothing written.
    """
    from django.utils.text import slugify

    from apps.risk.models import SecurityRequirement

    from .models import QuestionBank, Section

    if actor is not None:
        require_security_reviewer(actor, "import a question bank")
    slug = slugify(slug)[:80]
    if not slug or not (name or "").strip():
        raise ValidationError({"slug" if not slug else "name": "This field is required."})
    wanted = {code for q in questions for code in q.requirement_codes}
    requirements = {r.code: r for r in SecurityRequirement.objects.filter(code__in=wanted)}
    unknown = [
        f"{q.where or q.code}: unknown requirement code {code!r}."
        for q in questions
        for code in q.requirement_codes
        if code not in requirements
    ]
    if unknown:
        raise ValidationError({"file": unknown[:20]})
    QuestionBank.objects.filter(slug=slug, is_current=True).update(is_current=False)
    bank = QuestionBank(slug=slug, version=_next_version(slug), name=name.strip()[:200], source=source[:200])
    bank.description = description
    bank._history_user = actor
    bank.save()
    section_translations = section_translations or {}
    sections = {}
    for q in questions:
        if q.section not in sections:
            sections[q.section] = Section.objects.create(
                bank=bank,
                code=q.section,
                title=q.section_title[:300],
                translations=section_translations.get(q.section, {}),
                position=len(sections),
            )
    created = Question.objects.bulk_create(
        Question(
            section=sections[q.section],
            code=q.code,
            text=q.text,
            help_text=q.help_text,
            translations=q.translations,
            answer_type=q.answer_type,
            choices=q.choices,
            evidence_expected=q.evidence_expected,
            weight=q.weight,
            applies_up_to_tier=q.applies_up_to_tier,
            position=position,
        )
        for position, q in enumerate(questions)
    )
    links = [
        Question.requirements.through(question_id=question.pk, securityrequirement_id=requirements[code].pk)
        for question, parsed in zip(created, questions, strict=True)
        for code in parsed.requirement_codes
    ]
    Question.requirements.through.objects.bulk_create(links)
    return bank


@transaction.atomic
def bank_import(*, name, slug, file_name, data: bytes, actor) -> object:
    """Import a bank from a CSV/XLSX file (apps.questionnaires.importing). All or nothing."""
    from .importing import parse_bank_file

    require_security_reviewer(actor, "import a question bank")
    questions = parse_bank_file(name=file_name, data=data)
    return bank_create(slug=slug, name=name, questions=questions, actor=actor, source=f"import of {file_name}"[:200])


@transaction.atomic
def bank_install_standard(*, actor=None):
    """Install our own bank (apps.questionnaires.standard_bank) unless its current version is already there."""
    from .importing import ParsedQuestion
    from .selectors import STANDARD_BANK_SLUG
    from .standard_bank import HELP, SECTIONS

    existing = bank_current(slug=STANDARD_BANK_SLUG)
    if existing is not None:
        return existing
    questions, section_translations = [], {}
    for code, title, title_fr, title_es, rows in SECTIONS:
        section_translations[code] = {"fr": title_fr, "es": title_es}
        for q_code, kind, requirement_codes, evidence, weight, tier, en, fr, es, choices in rows:
            parsed = ParsedQuestion(
                section=code,
                section_title=title,
                code=q_code,
                text=en,
                answer_type=kind,
                choices=choices or [],
                requirement_codes=requirement_codes,
                help_text=HELP.get(q_code, ""),
                evidence_expected=evidence,
                weight=weight,
                applies_up_to_tier=tier,
            )
            parsed.translations = {"fr": {"text": fr}, "es": {"text": es}}
            questions.append(parsed)
    return bank_create(
        slug=STANDARD_BANK_SLUG,
        name="vendorrisk standard questionnaire",
        questions=questions,
        source="vendorrisk",
        description="Our own questions, one or more per security requirement of the catalogue.",
        section_translations=section_translations,
    )
