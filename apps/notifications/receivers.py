"""Domain signals → notification events. Receivers run inside the sender's transaction, so a rolled-back change
notifies nobody; event_emit enqueues the sending on commit.

Dedupe keys carry the subject's `updated_at`: the same transition delivered twice is one event, while a later
transition of the same object (a review rejected, reopened and submitted again) is a new one.
"""

from django.conf import settings
from django.dispatch import receiver
from django.urls import reverse

from apps.incidents.signals import incident_recorded
from apps.intake.models import IntakeRequest
from apps.intake.signals import intake_submitted
from apps.monitoring.signals import concentration_threshold_exceeded, signal_confirmed, signal_opened
from apps.reviews.choices import ReviewKind, ReviewState
from apps.reviews.signals import review_state_changed
from apps.reviews.workflow import DECIDED_STATES
from apps.vendors.signals import vendor_status_changed

from .choices import EventKind
from .services import event_emit


def _stamp(instance):
    updated_at = getattr(instance, "updated_at", None)
    return updated_at.isoformat() if updated_at else "-"


def _username(user):
    return user.get_username() if user is not None else None


def absolute_url(path):
    """An email has no request to build a link from: SITE_URL (settings) + the path."""
    return f"{settings.SITE_URL}{path}"


def _review_url(review):
    # An intake review's link is the buyer's request page: the buyer reads it there, and a security reviewer
    # following the same link lands on the review (apps.intake.views). Other reviews open in the workspace.
    intake_id = IntakeRequest.objects.filter(review=review).values_list("pk", flat=True).first()
    path = reverse("intake:edit", args=[intake_id]) if intake_id else reverse("workspace:review", args=[review.pk])
    return absolute_url(path)


@receiver(review_state_changed, dispatch_uid="notifications.review_state_changed")
def on_review_state_changed(sender, *, review, from_state, to_state, actor=None, **kwargs):
    if review.kind == ReviewKind.INTAKE and (from_state, to_state) == (ReviewState.DRAFT, ReviewState.SUBMITTED):
        # The buyer's submit moves its intake review to submitted; the intake.submitted event already tells
        # everyone, with the request's answers: one email, not two.
        return
    vendor = review.vendor
    before, after = ReviewState(from_state).label, ReviewState(to_state).label
    decided = to_state in DECIDED_STATES
    event_emit(
        kind=EventKind.REVIEW_STATE_CHANGED,
        subject_type="review",
        subject_id=review.pk,
        payload={
            "title": f"Review of {vendor} is now {after.lower()}",
            "summary": f"The {ReviewKind(review.kind).label.lower()} review of {vendor} moved from {before.lower()} "
            f"to {after.lower()}" + (f" by {_username(actor)}." if actor is not None else "."),
            "url": _review_url(review),
            # Whoever asked for the review (a buyer, for an intake) hears of its decision.
            "notify_user_ids": [review.requested_by_id] if decided and review.requested_by_id else [],
            "vendor_id": vendor.pk,
            "vendor": vendor.slug,
            "review_id": review.pk,
            "review_kind": review.kind,
            "from_state": from_state,
            "to_state": to_state,
            "actor": _username(actor),
        },
        dedupe_key=f"review-state:{review.pk}:{from_state}:{to_state}:{_stamp(review)}",
    )


@receiver(incident_recorded, dispatch_uid="notifications.incident_recorded")
def on_incident_recorded(sender, *, incident, **kwargs):
    vendor = incident.vendor
    event_emit(
        kind=EventKind.INCIDENT_RECORDED,
        subject_type="incident",
        subject_id=incident.pk,
        payload={
            "title": f"{incident.severity.capitalize()} incident at {vendor}: {incident.title}",
            "summary": f"An incident of {incident.severity} severity was recorded against {vendor}.",
            "vendor_id": vendor.pk,
            "vendor": vendor.slug,
            "incident_id": incident.pk,
            "incident": incident.slug,
            "severity": incident.severity,
        },
        dedupe_key=f"incident-recorded:{incident.pk}",
    )


@receiver(vendor_status_changed, dispatch_uid="notifications.vendor_status_changed")
def on_vendor_status_changed(sender, *, vendor, from_status, to_status, **kwargs):
    event_emit(
        kind=EventKind.VENDOR_STATUS_CHANGED,
        subject_type="vendor",
        subject_id=vendor.pk,
        payload={
            "title": f"{vendor} is now {to_status.replace('_', ' ')}",
            "summary": f"The status of {vendor} moved from {from_status} to {to_status}.",
            "vendor_id": vendor.pk,
            "vendor": vendor.slug,
            "from_status": from_status,
            "to_status": to_status,
        },
        dedupe_key=f"vendor-status:{vendor.pk}:{from_status}:{to_status}:{_stamp(vendor)}",
    )


@receiver(intake_submitted, dispatch_uid="notifications.intake_submitted")
def on_intake_submitted(sender, *, intake_request, **kwargs):
    # Emailed through event_emit like every other event, so a lost or failed email is logged and resent hourly.
    intake, vendor = intake_request, intake_request.vendor
    event_emit(
        kind=EventKind.INTAKE_SUBMITTED,
        subject_type="intake_request",
        subject_id=intake.pk,
        payload={
            "title": f"Intake request: {vendor.display_name} (tier {intake.tier or '?'})",
            "summary": (
                f"{_username(intake.requester)} asks to use {vendor.display_name} "
                f"for {intake.service_name or 'an unnamed service'}.\n\n"
                f"Computed tier: {intake.tier or 'unknown'}\n"
                f"Integration: {intake.get_mechanism_display()}\n"
                f"Intake review: #{intake.review_id}"
            ),
            "url": absolute_url(reverse("intake:edit", args=[intake.pk])),
            "vendor_id": vendor.pk,
            "vendor": vendor.slug,
            "intake_request_id": intake.pk,
            "review_id": intake.review_id,
            "tier": intake.tier,
        },
        dedupe_key=f"intake-submitted:{intake.pk}:{_stamp(intake)}",
    )


@receiver(signal_opened, dispatch_uid="notifications.signal_opened")
def on_signal_opened(sender, *, feed_signal, **kwargs):
    signal = feed_signal
    vendor = signal.vendor
    event_emit(
        kind=EventKind.SIGNAL_OPENED,
        subject_type="signal",
        subject_id=signal.pk,
        payload={
            "title": f"Breach signal for {vendor}: {signal.title}",
            "summary": f"Feed {signal.feed} matched {vendor} by {signal.match_kind} ({signal.matched_on}, "
            f"score {signal.match_score:.2f}); to triage.",
            "vendor_id": vendor.pk,
            "vendor": vendor.slug,
            "signal_id": signal.pk,
            "feed": signal.feed,
            "match_kind": signal.match_kind,
            "match_score": signal.match_score,
            "flows": [flow["flow"] for flow in signal.exposure.get("flows", [])],
        },
        dedupe_key=f"signal-opened:{signal.pk}",
    )


@receiver(signal_confirmed, dispatch_uid="notifications.signal_confirmed")
def on_signal_confirmed(sender, *, feed_signal, incident, **kwargs):
    signal = feed_signal
    vendor = signal.vendor
    event_emit(
        kind=EventKind.SIGNAL_CONFIRMED,
        subject_type="signal",
        subject_id=signal.pk,
        payload={
            "title": f"Breach signal for {vendor} confirmed: incident {incident.slug}",
            "summary": f"A reviewer confirmed the {signal.feed} signal and opened an incident against {vendor}.",
            "vendor_id": vendor.pk,
            "vendor": vendor.slug,
            "signal_id": signal.pk,
            "incident_id": incident.pk,
            "incident": incident.slug,
            "actor": _username(signal.decided_by),
        },
        dedupe_key=f"signal-confirmed:{signal.pk}",
    )


@receiver(concentration_threshold_exceeded, dispatch_uid="notifications.concentration_threshold_exceeded")
def on_concentration_threshold_exceeded(sender, *, finding, **kwargs):
    threshold = finding.threshold
    event_emit(
        kind=EventKind.CONCENTRATION_THRESHOLD_EXCEEDED,
        subject_type="concentration_finding",
        subject_id=finding.pk,
        payload={
            "title": f"Concentration: {finding.subject} at {finding.share_percent} % "
            f"(threshold {threshold.max_percent} %)",
            "summary": f"{threshold.get_dimension_display()}: {finding.count} of {finding.total}.",
            "dimension": threshold.dimension,
            "up_to_tier": threshold.up_to_tier,
            "subject": finding.subject,
            "share_percent": float(finding.share_percent),
            "threshold_percent": float(threshold.max_percent),
        },
        dedupe_key=f"concentration:{finding.pk}",
    )
