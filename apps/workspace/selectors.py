"""Reads of the workspace. The dashboard's headline figures come from apps.dashboard.selectors (the same as
GET /api/v1/dashboard/); the figures below are the workspace's additions, each one aggregate query, and the
list selectors return exactly the rows a figure counted, so a chart's link never disagrees with its bar.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from apps.dashboard.selectors import client_side_personal_vendors, late_incidents
from apps.datamap.choices import Sharing
from apps.datamap.models import DataFlow, DataFlowCategory
from apps.datamap.selectors import active_flow_q
from apps.incidents.choices import IncidentStatus
from apps.incidents.models import Incident
from apps.reviews.choices import FindingStatus
from apps.reviews.models import Finding
from apps.reviews.selectors import vendors_review_due
from apps.vendors.models import Document, Subprocessor, Vendor

OPEN_FINDING_STATUSES = (FindingStatus.OPEN, FindingStatus.IN_PROGRESS)
EXPIRING_DAYS = 30
TOP_SUBPROCESSORS = 8
# Age buckets of open findings, in days since they were raised: (key, label, min days, max days or None).
FINDING_AGES = (
    ("0-30", "Under 30 days", 0, 30),
    ("30-90", "30 to 90 days", 30, 90),
    ("90+", "Over 90 days", 90, None),
)
PAGE_SIZE = 50


def _age_q(key, today):
    for bucket, _label, low, high in FINDING_AGES:
        if bucket == key:
            condition = Q(created_at__date__lte=today - datetime.timedelta(days=low))
            if high is not None:
                condition &= Q(created_at__date__gt=today - datetime.timedelta(days=high))
            return condition
    return None


def open_findings_by_severity():
    rows = Finding.objects.filter(status__in=OPEN_FINDING_STATUSES).order_by().values("severity")
    return {row["severity"]: row["n"] for row in rows.annotate(n=Count("pk"))}


def open_findings_by_age(*, today=None):
    today = today or timezone.localdate()
    aggregates = {key: Count("pk", filter=_age_q(key, today)) for key, *_ in FINDING_AGES}
    return Finding.objects.filter(status__in=OPEN_FINDING_STATUSES).aggregate(**aggregates)


def evidence_expiry_counts(*, today=None):
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    return Document.objects.aggregate(
        expired=Count("pk", filter=Q(expires_on__lt=today)),
        expiring=Count("pk", filter=Q(expires_on__gte=today, expires_on__lte=soon)),
    )


def top_subprocessors():
    """Concentration: the subprocessors the most of our vendors rely on."""
    rows = (
        Subprocessor.objects.order_by()
        .values("subprocessor__slug", "subprocessor__display_name")
        .annotate(n=Count("vendor", distinct=True))
        .order_by("-n", "subprocessor__display_name")[:TOP_SUBPROCESSORS]
    )
    return [{"slug": r["subprocessor__slug"], "name": r["subprocessor__display_name"], "vendors": r["n"]} for r in rows]


# --- the lists behind the figures -------------------------------------------------------------------------------


def vendor_list(params, *, today=None):
    """(vendors queryset or list, description of the filter). Each parameter mirrors one dashboard figure."""
    vendors = Vendor.objects.order_by("display_name")
    described = []
    tier = params.get("tier")
    if tier:
        vendors = vendors.filter(tier__isnull=True) if tier == "none" else vendors.filter(tier=tier)
        described.append(f"tier {tier}")
    if params.get("status"):
        vendors = vendors.filter(status=params["status"])
        described.append(f"status {params['status']}")
    if params.get("mechanism"):
        flows = DataFlow.objects.filter(active_flow_q(), vendor=OuterRef("pk"), mechanism=params["mechanism"])
        vendors = vendors.filter(Exists(flows))
        described.append(f"running flow by {params['mechanism']}")
    if params.get("category"):
        shared = DataFlowCategory.objects.filter(
            active_flow_q(prefix="flow__"),
            flow__vendor=OuterRef("pk"),
            sharing=Sharing.SHARED,
            category__code=params["category"],
        )
        vendors = vendors.filter(Exists(shared))
        described.append(f"receives {params['category']}")
    if params.get("subprocessor"):
        links = Subprocessor.objects.filter(vendor=OuterRef("pk"), subprocessor__slug=params["subprocessor"])
        vendors = vendors.filter(Exists(links))
        described.append(f"relies on {params['subprocessor']}")
    if params.get("client_side_personal"):
        vendors = vendors.filter(pk__in=client_side_personal_vendors(today=today).values("pk"))
        described.append("client-side SDK receiving personal data")
    review = params.get("review")
    if review in ("overdue", "due_soon"):
        due = [v.pk for v in vendors_review_due(today=today) if v.review_overdue == (review == "overdue")]
        vendors = vendors.filter(pk__in=due)
        described.append("review overdue" if review == "overdue" else "review due within 30 days")
    return vendors, described


def incident_list(params):
    incidents = Incident.objects.select_related("vendor").order_by("-vendor_detected_at", "-pk")
    described = []
    if params.get("open"):
        incidents = incidents.exclude(status=IncidentStatus.CLOSED)
        described.append("open")
    if params.get("severity"):
        incidents = incidents.filter(severity=params["severity"])
        described.append(f"severity {params['severity']}")
    if params.get("late"):
        incidents = incidents.filter(pk__in=late_incidents().values("pk"))
        described.append("vendor late to notify")
    return incidents, described


def finding_list(params, *, today=None):
    today = today or timezone.localdate()
    findings = (
        Finding.objects.filter(status__in=OPEN_FINDING_STATUSES)
        .select_related("review__vendor", "owner")
        .order_by("due_on", "-pk")
    )
    described = ["open"]
    if params.get("severity"):
        findings = findings.filter(severity=params["severity"])
        described.append(f"severity {params['severity']}")
    age = _age_q(params.get("age"), today)
    if age is not None:
        findings = findings.filter(age)
        described.append(f"raised {params['age']} days ago")
    return findings, described


def document_list(params, *, today=None):
    today = today or timezone.localdate()
    documents = Document.objects.select_related("vendor").order_by("expires_on", "pk")
    described = []
    if params.get("expiry") == "expired":
        documents = documents.filter(expires_on__lt=today)
        described.append("expired")
    elif params.get("expiry") == "expiring":
        documents = documents.filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(EXPIRING_DAYS))
        described.append(f"expiring within {EXPIRING_DAYS} days")
    return documents, described


# --- one vendor -------------------------------------------------------------------------------------------------

TIMELINE_ROWS = 30


def vendor_evidence_choices(*, vendor, today=None):
    """The vendor's own documents that can back a "met" today (unexpired): never another vendor's."""
    today = today or timezone.localdate()
    # Through the vendor's manager: each document then knows its vendor, which its label (str) reads.
    return vendor.documents.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def vendor_open_reviews(*, vendor):
    from apps.reviews.workflow import OPEN_STATES

    return vendor.reviews.filter(state__in=OPEN_STATES).order_by("-created_at")


def vendor_page_data(*, vendor, today=None):
    """What the vendor page shows beyond the data-flow report (apps.reports.builders): a fixed number of queries."""
    from apps.reviews.models import RiskException
    from apps.reviews.workflow import actions_from
    from apps.risk.selectors import requirement_effective_status, vendor_requirements_with_effective_status

    today = today or timezone.localdate()
    statuses = list(vendor_requirements_with_effective_status(vendor=vendor, today=today).order_by("requirement__code"))
    for status in statuses:
        status.effective = requirement_effective_status(status, today=today)
        status.overdue = bool(status.due_on and status.due_on < today and status.effective != "met")
    reviews = list(vendor.reviews.select_related("requested_by", "decided_by").order_by("-created_at"))
    for review in reviews:
        review.allowed_actions = actions_from(review.state)
    history = list(vendor.history.select_related("history_user").order_by("-history_date")[:TIMELINE_ROWS])
    return {
        "requirements": statuses,
        "reviews": reviews,
        "findings": list(
            Finding.objects.filter(review__vendor=vendor).select_related("owner", "review").order_by("status", "due_on")
        ),
        "exceptions": list(
            RiskException.objects.filter(vendor_requirement__vendor=vendor)
            .select_related("vendor_requirement__requirement", "approved_by")
            .order_by("-expires_on")
        ),
        "documents": list(vendor.documents.order_by("expires_on", "title")),
        "tier_changes": list(vendor.tier_changes.select_related("changed_by").order_by("-changed_at", "-id")[:10]),
        "history": history,
        "evidence_choices": list(vendor_evidence_choices(vendor=vendor, today=today)),
        "open_reviews": [review for review in reviews if review.state in ("draft", "submitted", "in_review")],
        "today": today,
    }


# --- one review -------------------------------------------------------------------------------------------------


_UNREAD = object()


def review_blockers(*, review, actor, today=None, baseline=_UNREAD) -> list[str]:
    """Why `actor` could not approve this review now, in words; empty when nothing stands in the way.

    The same rules as apps.reviews.services._check_approvable, read without writing. `baseline`, when the caller
    already read the vendor's tier's current one (None included), saves reading it again.
    """
    from apps.reviews.selectors import requirement_codes_excepted_only_by
    from apps.risk.selectors import baseline_current, unmet_requirement_codes

    blockers = []
    if review.state != "in_review":
        blockers.append(f"The review is {review.get_state_display().lower()}: only a review in review can be approved.")
    if review.requested_by_id is not None and actor.pk == review.requested_by_id:
        blockers.append("You requested this review: another security reviewer must approve it.")
    if baseline is _UNREAD:
        baseline = baseline_current(tier=review.vendor.tier)
    if baseline is None:
        blockers.append(f"There is no current baseline for tier {review.vendor.tier}; compute the vendor's tier first.")
        return blockers
    unmet = unmet_requirement_codes(vendor=review.vendor, baseline=baseline, today=today)
    if unmet:
        blockers.append(
            f"{len(unmet)} requirement(s) neither met nor covered by an unexpired exception: {', '.join(unmet)}."
        )
    self_excepted = requirement_codes_excepted_only_by(vendor=review.vendor, baseline=baseline, grantor=actor)
    if self_excepted:
        blockers.append(f"You granted the exception(s) on {', '.join(self_excepted)}: another reviewer must approve.")
    return blockers


def review_page_data(*, review, today=None):
    from apps.risk.selectors import (
        baseline_current,
        requirement_effective_status,
        vendor_applicable_requirement_ids,
        vendor_requirements_with_effective_status,
    )

    today = today or timezone.localdate()
    baseline = baseline_current(tier=review.vendor.tier)
    applicable = vendor_applicable_requirement_ids(vendor=review.vendor, baseline=baseline) if baseline else set()
    statuses = list(
        vendor_requirements_with_effective_status(
            vendor=review.vendor, requirement_ids=applicable, today=today
        ).order_by("requirement__code")
    )
    for status in statuses:
        status.effective = requirement_effective_status(status, today=today)
        status.satisfied = status.has_valid_exception or status.effective == "met"
    return {
        "baseline": baseline,
        "requirements": statuses,
        "transitions": list(review.transitions.select_related("actor").order_by("at", "id")),
        "findings": list(review.findings.select_related("owner").order_by("status", "due_on")),
        "exceptions": list(
            review.exceptions.select_related("vendor_requirement__requirement", "approved_by").order_by("-expires_on")
        ),
    }
