"""Domain signals → notification events. Receivers run inside the sender's transaction, so a rolled-back change
notifies nobody; event_emit enqueues the sending on commit.

Dedupe keys carry the subject's `updated_at`: the same transition delivered twice is one event, while a later
transition of the same object (a review rejected, reopened and submitted again) is a new one.
"""

from django.dispatch import receiver

from apps.incidents.signals import incident_recorded
from apps.intake.signals import intake_submitted
from apps.reviews.signals import review_state_changed
from apps.vendors.signals import vendor_status_changed

from .choices import EventKind
from .services import event_emit


def _stamp(instance):
    updated_at = getattr(instance, "updated_at", None)
    return updated_at.isoformat() if updated_at else "-"


def _username(user):
    return user.get_username() if user is not None else None


@receiver(review_state_changed, dispatch_uid="notifications.review_state_changed")
def on_review_state_changed(sender, *, review, from_state, to_state, actor=None, **kwargs):
    vendor = review.vendor
    event_emit(
        kind=EventKind.REVIEW_STATE_CHANGED,
        subject_type="review",
        subject_id=review.pk,
        payload={
            "title": f"Review of {vendor} is now {to_state.replace('_', ' ')}",
            "summary": f"The {review.kind} review of {vendor} moved from {from_state} to {to_state}.",
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
    vendor_id = getattr(intake_request, "vendor_id", None)
    event_emit(
        kind=EventKind.INTAKE_SUBMITTED,
        subject_type="intake_request",
        subject_id=intake_request.pk,
        payload={
            "title": f"Intake request submitted: {intake_request}",
            "summary": f"Procurement submitted the intake request “{intake_request}” for review.",
            "vendor_id": vendor_id,
            "intake_request_id": intake_request.pk,
        },
        dedupe_key=f"intake-submitted:{intake_request.pk}:{_stamp(intake_request)}",
    )
