"""The dashboard's review counts and the daily watch check read one rule (apps.reviews.selectors), so they agree
on every vendor, including those on the very day their review falls due and at the end of the 30-day window."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta

from apps.dashboard.selectors import dashboard
from apps.notifications.choices import EventKind
from apps.notifications.models import NotificationEvent
from apps.reviews.choices import ReviewState
from apps.vendors.models import Vendor
from apps.watch.services import reviews_check
from tests.factories.reviews import ReviewFactory
from tests.factories.risk import BaselineFactory
from tests.factories.vendors import VendorFactory

pytestmark = pytest.mark.django_db

OVERDUE, DUE_SOON = EventKind.REVIEW_OVERDUE, EventKind.REVIEW_DUE_SOON


def at_nine(day):
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)


def approved_on(slug, day, tier=1):
    vendor = VendorFactory(slug=slug, tier=tier, status="active")
    # Test set-up only: the state stands for an approval made through the workflow on that day.
    ReviewFactory(vendor=vendor, state=ReviewState.APPROVED, decided_at=at_nine(day))
    return vendor


def onboarded_on(slug, day):
    vendor = VendorFactory(slug=slug, tier=1, status="active")
    Vendor.objects.filter(pk=vendor.pk).update(created_at=at_nine(day))
    return vendor


def watch_and_dashboard(today):
    """What the watch announces ({vendor id: event kind}) and what the dashboard counts for tier 1, on `today`."""
    reviews_check(today=today)
    announced = {int(event.subject_id): event.kind for event in NotificationEvent.objects.all()}
    return announced, dashboard(today=today)["reviews"]["by_tier"]["1"]


def agrees(announced, counted):
    overdue = sum(kind == OVERDUE for kind in announced.values())
    return counted == {"overdue": overdue, "due_within_30_days": len(announced) - overdue}


def test_dashboard_and_watch_agree_at_the_edges_of_due(reviewer):
    today = datetime.date(2026, 3, 31)
    BaselineFactory(tier=1, review_cadence_months=12)
    year_ago = today - relativedelta(months=12)
    due_today = approved_on("due-today", year_ago)
    due_yesterday = approved_on("due-yesterday", year_ago - datetime.timedelta(days=1))
    last_day_of_window = approved_on("last-day-of-window", year_ago + datetime.timedelta(days=30))
    approved_on("one-day-past-window", year_ago + datetime.timedelta(days=31))
    never_reviewed = onboarded_on("onboarded-a-year-ago", year_ago - datetime.timedelta(days=1))
    onboarded_on("onboarded-recently", today - datetime.timedelta(days=10))

    announced, counted = watch_and_dashboard(today)
    assert announced == {
        due_yesterday.pk: OVERDUE,
        never_reviewed.pk: OVERDUE,
        due_today.pk: DUE_SOON,
        last_day_of_window.pk: DUE_SOON,
    }
    assert agrees(announced, counted)


def test_an_approval_due_on_28_february_is_overdue_on_a_leap_day(reviewer):
    """28 Feb 2027 + 12 months is 28 Feb 2028: overdue on 29 Feb 2028, although 29 Feb 2028 - 12 months is
    28 Feb 2027 (month arithmetic clips), which a naive cut-off would count as not yet due."""
    today = datetime.date(2028, 2, 29)
    BaselineFactory(tier=1, review_cadence_months=12)
    late = approved_on("due-28-february", datetime.date(2027, 2, 28))
    on_time = approved_on("due-1-march", datetime.date(2027, 3, 1))

    announced, counted = watch_and_dashboard(today)
    assert announced == {late.pk: OVERDUE, on_time.pk: DUE_SOON}
    assert agrees(announced, counted)
