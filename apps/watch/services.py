"""The scheduled checks. Each returns how many new events it emitted; running one twice emits nothing new, because
every event carries a dedupe key naming what it is about and which threshold it crossed.

A check is not one transaction: each item is its own write (event_emit, or the evidence rule below), so a check
interrupted half-way keeps what it did and the next run picks up the rest.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from apps.incidents.choices import IncidentStatus
from apps.incidents.models import Incident
from apps.notifications.choices import EventKind
from apps.notifications.services import event_emit
from apps.reviews.choices import ReviewState
from apps.risk.choices import RequirementStatus
from apps.risk.models import Baseline, VendorRequirement
from apps.vendors.choices import VendorStatus
from apps.vendors.models import Contract, Document, Vendor

from .schedule import NAME_PREFIX, PERIODIC_CHECKS

WATCHED_STATUSES = (VendorStatus.ONBOARDING, VendorStatus.ACTIVE, VendorStatus.UNDER_REVIEW, VendorStatus.OFFBOARDING)
APPROVED_STATES = (ReviewState.APPROVED, ReviewState.APPROVED_WITH_CONDITIONS)
REVIEW_DUE_SOON_DAYS = 30
EVIDENCE_EXPIRY_THRESHOLDS = (1, 7, 30)
# On a fresh install, documents that expired long ago are not news: only recent expiries, or ones a requirement
# still relies on, are announced.
EVIDENCE_EXPIRED_LOOKBACK_DAYS = 30
CONTRACT_END_THRESHOLDS = (30, 90)
CONTRACT_NOTICE_WARNING_DAYS = 30
# Without a contract clause, a vendor is held to GDPR's 72 hours (Art. 33): our own clock starts when they tell us.
DEFAULT_NOTIFICATION_HOURS = 72


def _threshold(days_left, thresholds):
    """The tightest threshold already crossed: 5 days left → 7 (not 30, which was, or should have been, sent)."""
    return next(t for t in sorted(thresholds) if days_left <= t)


def _vendor_payload(vendor, **extra):
    return {"vendor_id": vendor.pk, "vendor": vendor.slug, **extra}


def reviews_check(*, today: datetime.date | None = None) -> int:
    """Vendors whose periodic review is overdue or due within 30 days, by the cadence of their tier's current
    baseline counted from their last approved review. An active vendor never approved is overdue.
    """
    today = today or timezone.localdate()
    cadence = dict(Baseline.objects.current().values_list("tier", "review_cadence_months"))
    vendors = Vendor.objects.filter(status__in=WATCHED_STATUSES, tier__isnull=False).annotate(
        last_approved_at=Max("reviews__decided_at", filter=Q(reviews__state__in=APPROVED_STATES))
    )
    emitted = 0
    for vendor in vendors:
        months = cadence.get(vendor.tier)
        if not months:
            continue
        if vendor.last_approved_at is None:
            if vendor.status != VendorStatus.ACTIVE:
                continue
            due_on = None
        else:
            due_on = timezone.localdate(vendor.last_approved_at) + relativedelta(months=months)
        if due_on is not None and due_on > today + datetime.timedelta(days=REVIEW_DUE_SOON_DAYS):
            continue
        overdue = due_on is None or due_on < today
        kind = EventKind.REVIEW_OVERDUE if overdue else EventKind.REVIEW_DUE_SOON
        when = f"was due on {due_on}" if overdue and due_on else (f"is due on {due_on}" if due_on else "never done")
        event = event_emit(
            kind=kind,
            subject_type="vendor",
            subject_id=vendor.pk,
            payload=_vendor_payload(
                vendor,
                title=f"Review of {vendor} {'overdue' if overdue else 'due soon'}",
                summary=f"The periodic review of {vendor} (tier {vendor.tier}, every {months} months) {when}.",
                due_on=due_on,
                cadence_months=months,
            ),
            dedupe_key=f"{'review-overdue' if overdue else 'review-due-soon'}:{vendor.pk}:{due_on or 'never'}",
        )
        emitted += event is not None
    return emitted


def _documents_with_successor():
    """Documents annotated with whether the vendor holds a later one of the same kind (then this one is replaced)."""
    successor = Document.objects.filter(vendor=OuterRef("vendor"), kind=OuterRef("kind")).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on"))
    )
    return Document.objects.select_related("vendor").annotate(replaced=Exists(successor))


def evidence_check(*, today: datetime.date | None = None) -> int:
    """Evidence expiring within 30, 7 and 1 days, and evidence expired: see evidence_expired_process."""
    today = today or timezone.localdate()
    emitted = 0
    expiring = _documents_with_successor().filter(
        expires_on__gte=today,
        expires_on__lte=today + datetime.timedelta(days=max(EVIDENCE_EXPIRY_THRESHOLDS)),
        vendor__status__in=WATCHED_STATUSES,
        replaced=False,
    )
    for document in expiring:
        threshold = _threshold((document.expires_on - today).days, EVIDENCE_EXPIRY_THRESHOLDS)
        event = event_emit(
            kind=EventKind.EVIDENCE_EXPIRING,
            subject_type="document",
            subject_id=document.pk,
            payload=_vendor_payload(
                document.vendor,
                title=f"{document.title} of {document.vendor} expires in {threshold} days or less",
                summary=f"“{document.title}” ({document.kind}) of {document.vendor} expires on {document.expires_on}.",
                document_id=document.pk,
                document_kind=document.kind,
                expires_on=document.expires_on,
                threshold_days=threshold,
            ),
            dedupe_key=f"evidence-expiring:{document.pk}:{threshold}",
        )
        emitted += event is not None

    relied_on = VendorRequirement.objects.filter(evidence=OuterRef("pk"), status=RequirementStatus.MET)
    expired = (
        _documents_with_successor()
        .filter(expires_on__lt=today)
        .exclude(vendor__status=VendorStatus.TERMINATED)
        .annotate(relied_on=Exists(relied_on))
        .filter(
            Q(relied_on=True)
            | Q(expires_on__gte=today - datetime.timedelta(days=EVIDENCE_EXPIRED_LOOKBACK_DAYS), replaced=False)
        )
    )
    for document in expired:
        emitted += evidence_expired_process(document=document)
    return emitted


@transaction.atomic
def evidence_expired_process(*, document: Document) -> bool:
    """Apply the rule "a requirement met only by expired evidence is not met": every requirement status that is
    `met` with this document as its evidence falls to `not_met`, with a note; then announce the expiry once.

    Returns whether a new event was emitted. The rule lives here because no service of the risk app implements it
    yet (issue 5 may take it over).
    """
    downgraded = []
    statuses = VendorRequirement.objects.select_for_update().select_related("requirement")
    for status in statuses.filter(evidence=document, status=RequirementStatus.MET):
        status.status = RequirementStatus.NOT_MET
        status.note = f"{status.note}\nEvidence “{document.title}” expired on {document.expires_on}.".strip()
        status.save(update_fields=["status", "note", "updated_at"])
        downgraded.append(status.requirement.code)
    fell = f" Requirements no longer met: {', '.join(downgraded)}." if downgraded else ""
    event = event_emit(
        kind=EventKind.EVIDENCE_EXPIRED,
        subject_type="document",
        subject_id=document.pk,
        payload=_vendor_payload(
            document.vendor,
            title=f"{document.title} of {document.vendor} has expired",
            summary=f"“{document.title}” of {document.vendor} expired on {document.expires_on}.{fell}",
            document_id=document.pk,
            document_kind=document.kind,
            expires_on=document.expires_on,
            requirements_not_met=downgraded,
        ),
        dedupe_key=f"evidence-expired:{document.pk}:{document.expires_on}",
    )
    return event is not None


def contracts_check(*, today: datetime.date | None = None) -> int:
    """Contracts ending within 90 and 30 days, and contracts whose termination notice must be given within 30 days
    (after that date the contract renews or ends on the vendor's terms). Keys carry the end date, so an extended
    contract is announced again for its new end.
    """
    today = today or timezone.localdate()
    emitted = 0
    contracts = (
        Contract.objects.select_related("vendor")
        .filter(ends_on__gte=today, vendor__status__in=WATCHED_STATUSES)
        .filter(
            Q(ends_on__lte=today + datetime.timedelta(days=max(CONTRACT_END_THRESHOLDS)))
            | Q(termination_notice_days__isnull=False)
        )
    )
    for contract in contracts:
        vendor, days_left = contract.vendor, (contract.ends_on - today).days
        if days_left <= max(CONTRACT_END_THRESHOLDS):
            threshold = _threshold(days_left, CONTRACT_END_THRESHOLDS)
            event = event_emit(
                kind=EventKind.CONTRACT_ENDING,
                subject_type="contract",
                subject_id=contract.pk,
                payload=_vendor_payload(
                    vendor,
                    title=f"Contract {contract.reference} with {vendor} ends in {threshold} days or less",
                    summary=f"The contract {contract.reference} with {vendor} ends on {contract.ends_on}.",
                    contract=contract.reference,
                    ends_on=contract.ends_on,
                    threshold_days=threshold,
                ),
                dedupe_key=f"contract-ending:{contract.pk}:{contract.ends_on}:{threshold}",
            )
            emitted += event is not None
        if contract.termination_notice_days is None:
            continue
        notice_by = contract.ends_on - datetime.timedelta(days=contract.termination_notice_days)
        if not today <= notice_by <= today + datetime.timedelta(days=CONTRACT_NOTICE_WARNING_DAYS):
            continue
        event = event_emit(
            kind=EventKind.CONTRACT_NOTICE_DUE,
            subject_type="contract",
            subject_id=contract.pk,
            payload=_vendor_payload(
                vendor,
                title=f"Decide on renewing {contract.reference} with {vendor} by {notice_by}",
                summary=(
                    f"The contract {contract.reference} with {vendor} ends on {contract.ends_on} and needs "
                    f"{contract.termination_notice_days} days' notice: give it by {notice_by} to end or renegotiate."
                ),
                contract=contract.reference,
                ends_on=contract.ends_on,
                notice_by=notice_by,
            ),
            dedupe_key=f"contract-notice-due:{contract.pk}:{contract.ends_on}",
        )
        emitted += event is not None
    return emitted


def _notification_deadline_hours(incident):
    """The vendor's contractual breach-notification window, or GDPR's 72 h when no contract states one."""
    clause = (
        Contract.objects.filter(vendor_id=incident.vendor_id, breach_notification_hours__isnull=False)
        .order_by("-starts_on")
        .values_list("breach_notification_hours", "reference")
        .first()
    )
    return clause if clause else (DEFAULT_NOTIFICATION_HOURS, None)


def incident_delays_check(*, now: datetime.datetime | None = None) -> int:
    """Open incidents where the vendor told us later than its clause allows, or has still not told us past it.
    Each incident is announced once.
    """
    now = now or timezone.now()
    emitted = 0
    incidents = (
        Incident.objects.select_related("vendor")
        .exclude(status=IncidentStatus.CLOSED)
        .filter(vendor_detected_at__isnull=False)
        .filter(Q(vendor_notified_at__isnull=True) | Q(vendor_notified_at__gt=F("vendor_detected_at")))
    )
    for incident in incidents:
        hours, reference = _notification_deadline_hours(incident)
        told_at = incident.vendor_notified_at or now
        delay_hours = round((told_at - incident.vendor_detected_at).total_seconds() / 3600, 1)
        if delay_hours <= hours:
            continue
        basis = f"contract {reference}" if reference else "GDPR's 72 hours (no contract clause)"
        told = "told us" if incident.vendor_notified_at else "has still not told us"
        event = event_emit(
            kind=EventKind.INCIDENT_NOTIFICATION_LATE,
            subject_type="incident",
            subject_id=incident.pk,
            payload=_vendor_payload(
                incident.vendor,
                title=f"{incident.vendor} was late to notify incident {incident.slug}",
                summary=f"{incident.vendor} {told} after {delay_hours} h; {basis} allows {hours} h.",
                incident=incident.slug,
                delay_hours=delay_hours,
                allowed_hours=hours,
                basis=reference or "gdpr-72h",
                still_waiting=incident.vendor_notified_at is None,
            ),
            dedupe_key=f"incident-notification-late:{incident.pk}",
        )
        emitted += event is not None
    return emitted


@transaction.atomic
def periodic_tasks_install() -> dict:
    """Make django-celery-beat's tables match PERIODIC_CHECKS: create missing tasks, correct changed ones, delete
    ones no longer declared (only ours, by name prefix). Idempotent: a second run writes nothing.
    An operator may pause a task in the admin; `enabled` is left as they set it.
    Returns {"created": n, "updated": n, "deleted": n}.
    """
    counts = {"created": 0, "updated": 0, "deleted": 0}
    for check in PERIODIC_CHECKS:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=check.minute, hour=check.hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
        )
        task = PeriodicTask.objects.filter(name=check.name).first()
        if task is None:
            PeriodicTask.objects.create(name=check.name, task=check.task, crontab=crontab)
            counts["created"] += 1
        elif task.task != check.task or task.crontab_id != crontab.pk or task.interval_id is not None:
            task.task, task.crontab, task.interval = check.task, crontab, None
            task.save()
            counts["updated"] += 1
    declared = [check.name for check in PERIODIC_CHECKS]
    stale = PeriodicTask.objects.filter(name__startswith=NAME_PREFIX).exclude(name__in=declared)
    counts["deleted"] = stale.delete()[1].get("django_celery_beat.PeriodicTask", 0)
    return counts
