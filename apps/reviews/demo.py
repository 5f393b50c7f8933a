"""Demo step of the reviews app: the Mixpanel case played through the real services.

1. The high-severity incident puts Mixpanel under review, opens the incident-triggered review and raises
   the late-notification finding (384 h from detection to data set against the contract's 72 h).
2. A reviewer tightens the rules for peers: analytics vendors whose client-side SDK receives contact data
   must not get personal data without pseudonymisation (the requirement fans out to each of them).
3. The review is rejected, Mixpanel is offboarded (removed from production on 2025-11-26, as the official
   notice says) and terminated; its flow ends that day.

Idempotent: each step runs once. loaddata resets the vendor's status and its flow's end date on a re-run
(it saves raw), so a re-run puts back what the register's own records (the completed checklist) say.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from apps.accounts.roles import SECURITY_REVIEWER
from apps.datamap.models import DataFlow
from apps.incidents.models import Incident
from apps.risk.models import Tightening
from apps.risk.services import baseline_tighten, tightening_fan_out
from apps.vendors.choices import DocumentKind, VendorStatus
from apps.vendors.models import Document, Vendor

from .choices import ReviewState
from .models import OffboardingChecklist
from .services import (
    incident_response_open,
    offboarding_start,
    offboarding_step_mark,
    review_reject,
    review_start,
    review_submit,
    vendor_terminate,
)

VENDOR, INCIDENT = "mixpanel", "mixpanel-2025-11"
RULE = "no-personal-data-client-side-analytics-without-pseudonymisation"
PEER_SCOPE = {"category": "analytics", "mechanism": "client_side_sdk", "data_categories": ["contact"]}
REMOVED_FROM_PRODUCTION_AT = datetime.datetime(2025, 11, 26, tzinfo=datetime.UTC)


def _demo_reviewer():
    """The demo's security reviewer (setup_demo gives it a password afterwards)."""
    user, _ = get_user_model().objects.get_or_create(
        username="reviewer", defaults={"email": "reviewer@example.com", "is_staff": True}
    )
    user.groups.add(Group.objects.get(name=SECURITY_REVIEWER))
    return user


def _restore_after_fixture_reload(vendor, checklist):
    ended_on = checklist.removed_from_production_at.date()
    Vendor.objects.filter(pk=vendor.pk).update(status=VendorStatus.TERMINATED)
    DataFlow.objects.filter(vendor=vendor, ends_on__isnull=True).update(ends_on=ended_on)


def setup():
    vendor = Vendor.objects.filter(slug=VENDOR).first()
    incident = Incident.objects.filter(slug=INCIDENT).select_related("vendor").first()
    if vendor is None or incident is None:
        return
    checklist = OffboardingChecklist.objects.filter(vendor=vendor, completed_at__isnull=False).first()
    if checklist is not None:
        _restore_after_fixture_reload(vendor, checklist)
        return

    reviewer = _demo_reviewer()
    review = incident_response_open(incident=incident, actor=reviewer)

    tightening = Tightening.objects.filter(incident=incident).first() or baseline_tighten(
        requirement=RULE,
        actor=reviewer,
        scope=PEER_SCOPE,
        incident=incident,
        reason="Mixpanel incident: a client-side analytics script received names, e-mail addresses and account IDs.",
    )
    tightening_fan_out(tightening_id=tightening.pk)  # now, so the demo data is complete before commit

    if review.state == ReviewState.DRAFT:
        review_submit(review=review, actor=reviewer, note="Opened by the Mixpanel incident.")
    if review.state == ReviewState.SUBMITTED:
        review_start(review=review, actor=reviewer)
    if review.state == ReviewState.IN_REVIEW:
        review_reject(
            review=review,
            actor=reviewer,
            note="Told us 384 h after detection against a 72 h clause; removed from production, use terminated.",
        )

    offboarding_start(vendor=incident.vendor, actor=reviewer, reason="Mixpanel security incident of November 2025.")
    for step in ("removed_from_production", "access_revoked"):
        offboarding_step_mark(vendor=vendor, step=step, actor=reviewer, at=REMOVED_FROM_PRODUCTION_AT)
    certificate, _ = Document.objects.get_or_create(
        vendor=vendor,
        kind=DocumentKind.DELETION_CERTIFICATE,
        defaults={
            "title": "Deletion certificate (an assumption of the demo data: the case sources do not mention one)",
            "issued_on": REMOVED_FROM_PRODUCTION_AT.date(),
        },
    )
    offboarding_step_mark(vendor=vendor, step="deletion_certificate", actor=reviewer, deletion_certificate=certificate)
    vendor_terminate(vendor=vendor, actor=reviewer)
