"""The scheduled checks with nothing new to send: a fixed number of queries whatever the register's size, and
what is new is still sent exactly once (the dedupe keys already sent are read in one query, not one per vendor)."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.notifications.models import NotificationEvent
from apps.watch.services import contracts_check, evidence_check, reviews_check
from tests.factories.reviews import ReviewFactory
from tests.factories.risk import BaselineFactory
from tests.factories.vendors import ContractFactory, DocumentFactory, VendorFactory

TODAY = timezone.localdate()


def add_due_vendors(count, start):
    """Vendors each with an overdue review, a document expiring in 5 days and a contract ending (with notice due)."""
    for i in range(start, start + count):
        vendor = VendorFactory(slug=f"due-{i}", tier=1)
        ReviewFactory(vendor=vendor, state="approved", decided_at=timezone.now() - relativedelta(months=13))
        DocumentFactory(vendor=vendor, expires_on=TODAY + datetime.timedelta(days=5))
        ContractFactory(vendor=vendor, ends_on=TODAY + datetime.timedelta(days=40), termination_notice_days=30)


def queries_of(check):
    with CaptureQueriesContext(connection) as captured:
        emitted = check(today=TODAY)
    return emitted, len(captured.captured_queries)


def assert_constant_with_nothing_new(check, per_vendor):
    BaselineFactory(tier=1, review_cadence_months=12)
    add_due_vendors(2, 0)
    assert queries_of(check)[0] == 2 * per_vendor  # the first run announces everything
    emitted, small = queries_of(check)
    assert emitted == 0
    add_due_vendors(20, 100)
    assert queries_of(check)[0] == 20 * per_vendor  # only the 20 new vendors' events
    emitted, large = queries_of(check)
    assert emitted == 0
    assert large == small
    assert small <= 10  # the check's own reads, the sent keys, savepoints
    assert NotificationEvent.objects.count() == 22 * per_vendor


def test_reviews_check_with_nothing_new_runs_constant_queries(reviewer):
    assert_constant_with_nothing_new(reviews_check, per_vendor=1)


def test_evidence_check_with_nothing_new_runs_constant_queries(reviewer):
    assert_constant_with_nothing_new(evidence_check, per_vendor=1)


def test_contracts_check_with_nothing_new_runs_constant_queries(reviewer):
    assert_constant_with_nothing_new(contracts_check, per_vendor=2)  # ending in 90 days, and notice due


def test_something_new_among_what_was_sent_is_sent_exactly_once(reviewer, django_capture_on_commit_callbacks):
    BaselineFactory(tier=1, review_cadence_months=12)
    add_due_vendors(5, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert reviews_check(today=TODAY) == 5
    sent = len(mail.outbox)
    assert sent == 5  # one reviewer, one email per event
    add_due_vendors(1, 50)
    with django_capture_on_commit_callbacks(execute=True):
        assert reviews_check(today=TODAY) == 1
        assert reviews_check(today=TODAY) == 0
    assert len(mail.outbox) == sent + 1
    new = VendorFactory(slug="due-50")
    assert NotificationEvent.objects.filter(subject_id=str(new.pk)).count() == 1


def test_a_threshold_crossed_later_is_sent_although_an_earlier_one_was(reviewer):
    document = DocumentFactory(vendor=VendorFactory(slug="later"), expires_on=TODAY + datetime.timedelta(days=20))
    assert evidence_check(today=TODAY) == 1  # 30 days
    assert evidence_check(today=TODAY) == 0
    assert evidence_check(today=TODAY + datetime.timedelta(days=14)) == 1  # 7 days
    keys = set(NotificationEvent.objects.values_list("dedupe_key", flat=True))
    assert keys == {f"evidence-expiring:{document.pk}:30", f"evidence-expiring:{document.pk}:7"}
