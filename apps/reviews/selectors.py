"""Reads of the reviews app."""

import datetime
import functools

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.risk.models import Baseline
from apps.vendors.choices import Tier, VendorStatus
from apps.vendors.models import Vendor

from .choices import ReviewKind
from .models import OffboardingChecklist, Review
from .workflow import APPROVED_STATES, DECIDED_STATES, OPEN_STATES

# Used when a tier has no current baseline yet (DESIGN: tier 1 yearly … tier 4 every three years).
DEFAULT_REVIEW_CADENCE_MONTHS = {Tier.CRITICAL: 12, Tier.HIGH: 12, Tier.MEDIUM: 24, Tier.LOW: 36}
REVIEW_DUE_SOON_DAYS = 30
# Vendors that hold our data in service and so must keep a current periodic review. Offboarding vendors are
# leaving: what they owe is the offboarding checklist, not another periodic review.
REVIEWED_STATUSES = (VendorStatus.ONBOARDING, VendorStatus.ACTIVE, VendorStatus.UNDER_REVIEW)


def vendor_latest_decided_review(*, vendor):
    """The vendor's most recently decided review, or None. `is_approval` says whether it approved."""
    review = (
        Review.objects.filter(vendor=vendor, state__in=DECIDED_STATES)
        .order_by("-decided_at", "-id")
        .select_related("baseline")
        .first()
    )
    if review is not None:
        review.is_approval = review.state in APPROVED_STATES
    return review


def review_open_incident_exists(*, vendor) -> bool:
    return Review.objects.filter(vendor=vendor, kind=ReviewKind.INCIDENT, state__in=OPEN_STATES).exists()


def review_cadences() -> dict[int, int]:
    """Months between periodic reviews, per tier: the tier's current baseline, else the default (one query)."""
    cadences = dict(DEFAULT_REVIEW_CADENCE_MONTHS)
    cadences.update(Baseline.objects.current().values_list("tier", "review_cadence_months"))
    return cadences


def review_due_on(*, counted_from: datetime.datetime, months: int) -> datetime.date:
    """The day a review is due: `months` after the local date of the last approval (or of onboarding)."""
    return timezone.localdate(counted_from) + relativedelta(months=months)


def _first_start_due_on_or_after(day: datetime.date, months: int) -> datetime.date:
    """The earliest start date whose review falls due on `day` or later.

    Adding months clips to the month's end (31 Jan + 1 month = 28 Feb), so `day - months` can be a few days
    early; step forward until it is not. Lets the database compare starts against one cut-off per tier.
    """
    start = day - relativedelta(months=months)
    while start + relativedelta(months=months) < day:
        start += datetime.timedelta(days=1)
    return start


def _counted_before(day: datetime.date) -> Q:
    """The review was last counted from (approval or onboarding) before local midnight of `day`."""
    midnight = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return Q(review_counted_from__lt=midnight)


def vendors_for_review_cadence():
    """Vendors in service with a tier, annotated with `last_approved_at` and `review_counted_from`.

    The cadence counts from the last approved review, or from onboarding (the day the vendor entered the
    register, `created_at`) when it was never approved.
    """
    return Vendor.objects.filter(status__in=REVIEWED_STATUSES, tier__isnull=False).annotate(
        last_approved_at=Max("reviews__decided_at", filter=Q(reviews__state__in=APPROVED_STATES)),
        review_counted_from=Coalesce("last_approved_at", "created_at"),
    )


def _review_due_conditions(*, today: datetime.date, cadences: dict[int, int], within_days: int):
    """Per tier: (overdue, due soon) conditions. Overdue: due before today. Due soon: due today…today+within_days."""
    conditions = {}
    for tier, months in cadences.items():
        due_today_or_later = _counted_before(_first_start_due_on_or_after(today, months))
        due_after_window = _counted_before(
            _first_start_due_on_or_after(today + datetime.timedelta(days=within_days + 1), months)
        )
        in_tier = Q(tier=tier)
        conditions[tier] = (in_tier & due_today_or_later, in_tier & ~due_today_or_later & due_after_window)
    return conditions


def vendors_review_due(*, today: datetime.date | None = None, within_days: int = REVIEW_DUE_SOON_DAYS):
    """Vendors whose periodic review is overdue or due within `within_days`, each with `review_cadence_months`,
    `review_due_on` and `review_overdue` set. Two queries."""
    today = today or timezone.localdate()
    cadences = review_cadences()
    due = Q(pk__in=[])
    for overdue, due_soon in _review_due_conditions(today=today, cadences=cadences, within_days=within_days).values():
        due |= overdue | due_soon
    # Only what the callers read (the due date, and names for a notice): at 10k vendors, loading every column of
    # thousands of due vendors was most of a check that had nothing new to send.
    due_vendors = vendors_for_review_cadence().filter(due).order_by("pk")
    vendors = list(due_vendors.only("pk", "slug", "display_name", "tier", "status", "created_at"))
    # Thousands of due vendors share a few hundred start days: each (day, months) is added up once.
    zone, due_on = timezone.get_current_timezone(), functools.cache(_months_after)
    for vendor in vendors:
        months = cadences[vendor.tier]
        vendor.review_cadence_months = months
        vendor.review_due_on = due_on(vendor.review_counted_from.astimezone(zone).date(), months)
        vendor.review_overdue = vendor.review_due_on < today
    return vendors


def _months_after(day: datetime.date, months: int) -> datetime.date:
    return day + relativedelta(months=months)


def reviews_due_counts(*, today: datetime.date | None = None, within_days: int = REVIEW_DUE_SOON_DAYS) -> dict:
    """How many vendors' reviews are overdue or due within 30 days, in all and per tier: one aggregate query
    (plus the cadences), whatever the number of vendors. The same rule as vendors_review_due."""
    today = today or timezone.localdate()
    cadences = review_cadences()
    aggregates = {}
    for tier, (overdue, due_soon) in _review_due_conditions(
        today=today, cadences=cadences, within_days=within_days
    ).items():
        aggregates[f"overdue_{tier}"] = Count("pk", filter=overdue)
        aggregates[f"due_soon_{tier}"] = Count("pk", filter=due_soon)
    counts = vendors_for_review_cadence().aggregate(**aggregates)
    by_tier = {
        str(tier): {"overdue": counts[f"overdue_{tier}"], "due_within_30_days": counts[f"due_soon_{tier}"]}
        for tier in sorted(cadences)
    }
    return {
        "overdue": sum(row["overdue"] for row in by_tier.values()),
        "due_within_30_days": sum(row["due_within_30_days"] for row in by_tier.values()),
        "by_tier": by_tier,
    }


OFFBOARDING_STEPS = ("removed_from_production", "access_revoked", "data_returned_or_deletion_certificate")


def offboarding_missing_steps(*, vendor) -> list[str]:
    """The checklist steps still missing before the vendor can be terminated (all of them without a checklist)."""
    checklist = OffboardingChecklist.objects.filter(vendor=vendor).first()
    if checklist is None:
        return list(OFFBOARDING_STEPS)
    missing = []
    if not checklist.removed_from_production_at:
        missing.append("removed_from_production")
    if not checklist.access_revoked_at:
        missing.append("access_revoked")
    if not (checklist.data_returned_at or checklist.deletion_certificate_id):
        missing.append("data_returned_or_deletion_certificate")
    return missing


def requirement_codes_excepted_only_by(*, vendor, baseline, grantor, today=None) -> list[str]:
    """Codes of applicable requirements that count as satisfied only because of an unexpired exception granted by
    `grantor` (not met on their own, and no other security reviewer granted one). Sorted.

    These are what an approval by `grantor` would rest on their own word alone.
    """
    from apps.risk.choices import RequirementStatus
    from apps.risk.selectors import (
        requirement_effective_status,
        unexpired_exception_q,
        vendor_applicable_requirement_ids,
        vendor_requirements_with_effective_status,
    )

    from .models import RiskException

    applicable = vendor_applicable_requirement_ids(vendor=vendor, baseline=baseline)
    relied_on = [
        status
        for status in vendor_requirements_with_effective_status(vendor=vendor, requirement_ids=applicable, today=today)
        if status.has_valid_exception and requirement_effective_status(status, today=today) != RequirementStatus.MET
    ]
    if not relied_on:
        return []
    granted_by_others = set(
        RiskException.objects.filter(
            unexpired_exception_q(today=today), vendor_requirement__in=[status.pk for status in relied_on]
        )
        .exclude(approved_by=grantor)
        .values_list("vendor_requirement_id", flat=True)
    )
    return sorted(status.requirement.code for status in relied_on if status.pk not in granted_by_others)
