"""Reviews overdue and due soon, by the tier's cadence counted from the last approved review (or onboarding)."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone

from apps.notifications.models import NotificationEvent
from apps.reviews.choices import ReviewState
from apps.vendors.models import Vendor
from apps.watch.tasks import reviews_check
from tests.factories.reviews import ReviewFactory
from tests.factories.risk import BaselineFactory
from tests.factories.vendors import VendorFactory


def approved_vendor(slug, approved_months_ago, days=0, tier=1, **vendor_fields):
    vendor = VendorFactory(slug=slug, tier=tier, **vendor_fields)
    decided_at = timezone.now() - relativedelta(months=approved_months_ago) + datetime.timedelta(days=days)
    # The review services belong to issue 5; the state is set directly to stand for an approval made earlier.
    ReviewFactory(vendor=vendor, state=ReviewState.APPROVED, decided_at=decided_at)
    return vendor


def onboarded_vendor(slug, months_ago, **vendor_fields):
    """A vendor never reviewed, registered `months_ago`: its cadence counts from onboarding."""
    vendor = VendorFactory(slug=slug, tier=1, **vendor_fields)
    Vendor.objects.filter(pk=vendor.pk).update(created_at=timezone.now() - relativedelta(months=months_ago))
    return vendor


def test_overdue_and_due_soon_reviews_are_announced_once(reviewer, django_capture_on_commit_callbacks):
    BaselineFactory(tier=1, review_cadence_months=12)
    overdue = approved_vendor("overdue", 13)
    due_soon = approved_vendor("due-soon", 12, days=10)
    approved_vendor("fresh", 1)
    approved_vendor("gone", 13, status="terminated")
    never = onboarded_vendor("never-approved", 13)
    onboarded_vendor("recently-onboarded", 1, status="onboarding")  # never reviewed, but not due for 11 months

    with django_capture_on_commit_callbacks(execute=True):
        reviews_check.delay()
    events = {e.dedupe_key.rsplit(":", 1)[0]: e for e in NotificationEvent.objects.all()}
    assert set(events) == {
        f"review-overdue:{overdue.pk}",
        f"review-due-soon:{due_soon.pk}",
        f"review-overdue:{never.pk}",
    }
    assert events[f"review-due-soon:{due_soon.pk}"].payload["cadence_months"] == 12
    sent = len(mail.outbox)
    assert sent == 3

    with django_capture_on_commit_callbacks(execute=True):
        reviews_check.delay()
    assert NotificationEvent.objects.count() == 3
    assert len(mail.outbox) == sent


def test_the_cadence_follows_the_tier(reviewer):
    from apps.watch.services import reviews_check as check

    BaselineFactory(tier=1, review_cadence_months=12)
    BaselineFactory(tier=4, review_cadence_months=36)
    approved_vendor("tier-one", 13)
    approved_vendor("tier-four", 13, tier=4)
    assert check() == 1
    assert NotificationEvent.objects.get().payload["vendor"] == "tier-one"
