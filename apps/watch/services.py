"""The scheduled checks. Each returns how many new events it emitted; running one twice emits nothing new, because
every event carries a dedupe key naming what it is about and which threshold it crossed.

A check first lists its candidates (a dedupe key and how to build the event), reads which keys were already sent
in one query, and emits only the others: with nothing new, a check costs its own reads and that one query,
whatever the size of the register (event_emit's unique key still decides a race between two runs).

A check is not one transaction: each event is its own write (event_emit), so a check interrupted half-way keeps
what it did and the next run picks up the rest. The rules themselves belong to their apps: expired evidence and
lapsed exceptions to apps.risk (issue 5), notification delays to apps.incidents.delays (issue 4).
"""

import datetime
from collections import defaultdict
from functools import partial

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from apps.incidents.choices import IncidentStatus
from apps.incidents.delays import notification_delays
from apps.incidents.models import Incident
from apps.notifications.choices import EventKind
from apps.notifications.selectors import dedupe_keys_sent
from apps.notifications.services import event_emit
from apps.reviews.selectors import vendors_review_due
from apps.risk.choices import RequirementStatus
from apps.risk.models import VendorRequirement
from apps.risk.services import requirement_statuses_sweep
from apps.vendors.choices import VendorStatus
from apps.vendors.models import Contract, Document

from .schedule import NAME_PREFIX, PERIODIC_CHECKS

WATCHED_STATUSES = (VendorStatus.ONBOARDING, VendorStatus.ACTIVE, VendorStatus.UNDER_REVIEW, VendorStatus.OFFBOARDING)
EVIDENCE_EXPIRY_THRESHOLDS = (1, 7, 30)
# On a fresh install, documents that expired long ago are not news: only recent expiries, or ones a requirement
# still relies on, are announced.
EVIDENCE_EXPIRED_LOOKBACK_DAYS = 30
CONTRACT_END_THRESHOLDS = (30, 90)
CONTRACT_NOTICE_WARNING_DAYS = 30


def _threshold(days_left, thresholds):
    """The tightest threshold already crossed: 5 days left → 7 (not 30, which was, or should have been, sent)."""
    return next(t for t in sorted(thresholds) if days_left <= t)


def _vendor_payload(vendor, **extra):
    return {"vendor_id": vendor.pk, "vendor": vendor.slug, **extra}


def _emit_new(candidates) -> int:
    """Emit the candidates whose dedupe key names no event yet; returns how many were emitted.

    `candidates` are (dedupe_key, build) pairs, build() giving event_emit's other arguments: the payload of an
    event already sent is never built.
    """
    candidates = list(candidates)
    sent = dedupe_keys_sent(keys=[key for key, _ in candidates])
    emitted = 0
    for key, build in candidates:
        if key not in sent:
            emitted += event_emit(dedupe_key=key, **build()) is not None
    return emitted


def reviews_check(*, today: datetime.date | None = None) -> int:
    """Vendors whose periodic review is overdue or due within 30 days (apps.reviews.selectors.vendors_review_due:
    the tier's cadence from the last approved review, or from onboarding when never approved)."""
    candidates = []
    for vendor in vendors_review_due(today=today):
        key = f"{'review-overdue' if vendor.review_overdue else 'review-due-soon'}:{vendor.pk}:{vendor.review_due_on}"
        candidates.append((key, partial(_review_event, vendor)))
    return _emit_new(candidates)


def _review_event(vendor):
    due_on, months, overdue = vendor.review_due_on, vendor.review_cadence_months, vendor.review_overdue
    counted_from = "its last approved review" if vendor.last_approved_at else "onboarding (never reviewed)"
    when = f"was due on {due_on}" if overdue else f"is due on {due_on}"
    return {
        "kind": EventKind.REVIEW_OVERDUE if overdue else EventKind.REVIEW_DUE_SOON,
        "subject_type": "vendor",
        "subject_id": vendor.pk,
        "payload": _vendor_payload(
            vendor,
            title=f"Review of {vendor} {'overdue' if overdue else 'due soon'}",
            summary=(
                f"The periodic review of {vendor} (tier {vendor.tier}, every {months} months, counted from "
                f"{counted_from}) {when}."
            ),
            due_on=due_on,
            cadence_months=months,
        ),
    }


def _documents_with_successor():
    """Documents annotated with whether the vendor holds a later one of the same kind (then this one is replaced)."""
    successor = Document.objects.filter(vendor=OuterRef("vendor"), kind=OuterRef("kind")).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on"))
    )
    return Document.objects.select_related("vendor").annotate(replaced=Exists(successor))


def evidence_check(*, today: datetime.date | None = None) -> int:
    """Evidence expiring within 30, 7 and 1 days (each threshold once), and evidence expired (see below)."""
    today = today or timezone.localdate()
    expiring = _documents_with_successor().filter(
        expires_on__gte=today,
        expires_on__lte=today + datetime.timedelta(days=max(EVIDENCE_EXPIRY_THRESHOLDS)),
        vendor__status__in=WATCHED_STATUSES,
        replaced=False,
    )
    candidates = []
    for document in expiring:
        threshold = _threshold((document.expires_on - today).days, EVIDENCE_EXPIRY_THRESHOLDS)
        candidates.append(
            (f"evidence-expiring:{document.pk}:{threshold}", partial(_evidence_expiring_event, document, threshold))
        )
    emitted = _emit_new(candidates)
    emitted += evidence_expired_process(today=today)
    return emitted


def _evidence_expiring_event(document, threshold):
    return {
        "kind": EventKind.EVIDENCE_EXPIRING,
        "subject_type": "document",
        "subject_id": document.pk,
        "payload": _vendor_payload(
            document.vendor,
            title=f"{document.title} of {document.vendor} expires in {threshold} days or less",
            summary=f"“{document.title}” ({document.kind}) of {document.vendor} expires on {document.expires_on}.",
            document_id=document.pk,
            document_kind=document.kind,
            expires_on=document.expires_on,
            threshold_days=threshold,
        ),
    }


@transaction.atomic
def evidence_expired_process(*, today: datetime.date) -> int:
    """Apply the rule "a requirement met only by expired evidence is not met" (issue 5's
    apps.risk.services.requirement_statuses_sweep, which also lapses expired exceptions), then announce each expired
    document once, naming the requirements it no longer proves. One transaction: the fall and its notice go together.

    Announced: documents a requirement relied on, and documents that expired within the last 30 days and were not
    replaced by a later one of the same kind. Returns how many new events were emitted.
    """
    relied_on = defaultdict(list)
    met_on_expired = VendorRequirement.objects.filter(status=RequirementStatus.MET, evidence__expires_on__lt=today)
    for document_id, code in met_on_expired.values_list("evidence_id", "requirement__code").order_by(
        "requirement__code"
    ):
        relied_on[document_id].append(code)
    requirement_statuses_sweep(today=today)

    expired = (
        _documents_with_successor()
        .filter(expires_on__lt=today)
        .exclude(vendor__status=VendorStatus.TERMINATED)
        .filter(
            Q(pk__in=list(relied_on))
            | Q(expires_on__gte=today - datetime.timedelta(days=EVIDENCE_EXPIRED_LOOKBACK_DAYS), replaced=False)
        )
    )
    return _emit_new(
        (
            f"evidence-expired:{document.pk}:{document.expires_on}",
            partial(_evidence_expired_event, document, relied_on.get(document.pk, [])),
        )
        for document in expired
    )


def _evidence_expired_event(document, codes):
    fell = f" Requirements no longer met: {', '.join(codes)}." if codes else ""
    return {
        "kind": EventKind.EVIDENCE_EXPIRED,
        "subject_type": "document",
        "subject_id": document.pk,
        "payload": _vendor_payload(
            document.vendor,
            title=f"{document.title} of {document.vendor} has expired",
            summary=f"“{document.title}” of {document.vendor} expired on {document.expires_on}.{fell}",
            document_id=document.pk,
            document_kind=document.kind,
            expires_on=document.expires_on,
            requirements_not_met=codes,
        ),
    }


def contracts_check(*, today: datetime.date | None = None) -> int:
    """Contracts ending within 90 and 30 days, and contracts whose termination notice must be given within 30 days
    (after that date the contract renews or ends on the vendor's terms). Keys carry the end date, so an extended
    contract is announced again for its new end.
    """
    today = today or timezone.localdate()
    contracts = (
        Contract.objects.select_related("vendor")
        .filter(ends_on__gte=today, vendor__status__in=WATCHED_STATUSES)
        .filter(
            Q(ends_on__lte=today + datetime.timedelta(days=max(CONTRACT_END_THRESHOLDS)))
            | Q(termination_notice_days__isnull=False)
        )
    )
    candidates = []
    for contract in contracts:
        days_left = (contract.ends_on - today).days
        if days_left <= max(CONTRACT_END_THRESHOLDS):
            threshold = _threshold(days_left, CONTRACT_END_THRESHOLDS)
            key = f"contract-ending:{contract.pk}:{contract.ends_on}:{threshold}"
            candidates.append((key, partial(_contract_ending_event, contract, threshold)))
        if contract.termination_notice_days is None:
            continue
        notice_by = contract.ends_on - datetime.timedelta(days=contract.termination_notice_days)
        if today <= notice_by <= today + datetime.timedelta(days=CONTRACT_NOTICE_WARNING_DAYS):
            key = f"contract-notice-due:{contract.pk}:{contract.ends_on}"
            candidates.append((key, partial(_contract_notice_event, contract, notice_by)))
    return _emit_new(candidates)


def _contract_ending_event(contract, threshold):
    vendor = contract.vendor
    return {
        "kind": EventKind.CONTRACT_ENDING,
        "subject_type": "contract",
        "subject_id": contract.pk,
        "payload": _vendor_payload(
            vendor,
            title=f"Contract {contract.reference} with {vendor} ends in {threshold} days or less",
            summary=f"The contract {contract.reference} with {vendor} ends on {contract.ends_on}.",
            contract=contract.reference,
            ends_on=contract.ends_on,
            threshold_days=threshold,
        ),
    }


def _contract_notice_event(contract, notice_by):
    vendor = contract.vendor
    return {
        "kind": EventKind.CONTRACT_NOTICE_DUE,
        "subject_type": "contract",
        "subject_id": contract.pk,
        "payload": _vendor_payload(
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
    }


def incident_delays_check(*, now: datetime.datetime | None = None) -> int:
    """Open incidents whose vendor told us later than its contract's breach-notification clause allows, or has
    still not told us past it (issue 4's apps.incidents.delays decides). Each incident is announced once.
    """
    now = now or timezone.now()
    emitted = 0
    incidents = (
        Incident.objects.select_related("vendor")
        .prefetch_related("vendor__contracts")
        .exclude(status=IncidentStatus.CLOSED)
        .filter(vendor_detected_at__isnull=False)
    )
    for incident in incidents:
        delays = notification_delays(incident, now=now)
        if not delays.contract_breached:
            continue
        told = "has still not told us" if delays.still_waiting else "told us"
        event = event_emit(
            kind=EventKind.INCIDENT_NOTIFICATION_LATE,
            subject_type="incident",
            subject_id=incident.pk,
            payload=_vendor_payload(
                incident.vendor,
                title=f"{incident.vendor} was late to notify incident {incident.slug}",
                summary=(
                    f"{incident.vendor} {told} {delays.delay_hours} h after detecting the breach; its contract "
                    f"{delays.contract_reference} allows {delays.contract_clause_hours} h."
                ),
                incident=incident.slug,
                delay_hours=delays.delay_hours,
                allowed_hours=delays.contract_clause_hours,
                contract=delays.contract_reference,
                still_waiting=delays.still_waiting,
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
