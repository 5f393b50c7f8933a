"""Contract end dates (90 and 30 days ahead) and the date by which termination notice must be given."""

import datetime

from django.core import mail
from django.utils import timezone

from apps.notifications.models import NotificationEvent
from apps.watch.services import contracts_check
from apps.watch.tasks import contracts_check as contracts_check_task
from tests.factories.vendors import ContractFactory, VendorFactory

TODAY = datetime.date(2026, 6, 1)


def ending_in(days, today=TODAY, **fields):
    return ContractFactory(starts_on=datetime.date(2024, 1, 1), ends_on=today + datetime.timedelta(days=days), **fields)


def keys():
    return set(NotificationEvent.objects.values_list("dedupe_key", flat=True))


def test_contract_end_notices_at_90_and_30_days(reviewer):
    contract = ending_in(60)
    ending_in(200)
    ending_in(-1)
    assert contracts_check(today=TODAY) == 1
    assert contracts_check(today=TODAY + datetime.timedelta(days=35)) == 1
    assert contracts_check(today=TODAY + datetime.timedelta(days=35)) == 0
    assert keys() == {f"contract-ending:{contract.pk}:{contract.ends_on}:{t}" for t in (90, 30)}


def test_an_extended_contract_is_announced_again_for_its_new_end(reviewer):
    contract = ending_in(20)
    assert contracts_check(today=TODAY) == 1
    contract.ends_on += datetime.timedelta(days=365)
    contract.save()
    assert contracts_check(today=TODAY + datetime.timedelta(days=300)) == 1
    assert len(keys()) == 2


def test_termination_notice_is_announced_before_its_deadline(reviewer):
    renews = ending_in(200, termination_notice_days=180)  # notice due in 20 days
    ending_in(300, termination_notice_days=180)  # notice due in 120 days: not yet
    ending_in(200, termination_notice_days=210)  # notice deadline passed 10 days ago: too late to warn
    assert contracts_check(today=TODAY) == 1
    event = NotificationEvent.objects.get()
    assert event.dedupe_key == f"contract-notice-due:{renews.pk}:{renews.ends_on}"
    assert event.payload["notice_by"] == str(TODAY + datetime.timedelta(days=20))


def test_the_task_run_twice_mails_once(reviewer, django_capture_on_commit_callbacks):
    ending_in(10, today=timezone.localdate(), vendor=VendorFactory(slug="mixpanel"), reference="mixpanel-msa")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            contracts_check_task.delay()
    assert [m.subject for m in mail.outbox] == [
        "[vendorrisk] Contract mixpanel-msa with Mixpanel ends in 30 days or less"
    ]
