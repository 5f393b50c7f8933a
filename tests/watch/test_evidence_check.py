"""Evidence expiring in 30, 7 and 1 days, and expired: the requirement relying on expired evidence is no longer met."""

import datetime

from django.core import mail
from django.utils import timezone

from apps.notifications.models import NotificationEvent
from apps.risk.models import VendorRequirement
from apps.watch.services import evidence_check
from apps.watch.tasks import evidence_check as evidence_check_task
from tests.factories.risk import VendorRequirementFactory
from tests.factories.vendors import DocumentFactory, VendorFactory

TODAY = datetime.date(2026, 6, 1)


def days(n, today=TODAY):
    return today + datetime.timedelta(days=n)


def document(vendor, expires_in, kind="soc2_type2", today=TODAY):
    return DocumentFactory(vendor=vendor, kind=kind, issued_on=None, expires_on=days(expires_in, today))


def keys():
    return set(NotificationEvent.objects.values_list("dedupe_key", flat=True))


def test_each_threshold_is_announced_once_as_it_is_crossed(reviewer):
    vendor = VendorFactory(slug="mixpanel")
    soc2 = document(vendor, 25)
    assert evidence_check(today=TODAY) == 1
    assert evidence_check(today=TODAY) == 0
    assert evidence_check(today=days(10)) == 0, "15 days left: still within the 30-day notice already sent"
    assert evidence_check(today=days(20)) == 1
    assert evidence_check(today=days(24)) == 1
    assert evidence_check(today=days(24)) == 0
    assert keys() == {f"evidence-expiring:{soc2.pk}:{t}" for t in (30, 7, 1)}


def test_only_the_tightest_threshold_is_sent_when_checks_were_missed(reviewer):
    vendor = VendorFactory(slug="mixpanel")
    pentest = document(vendor, 5, kind="pentest")
    document(vendor, 40, kind="iso27001")
    assert evidence_check(today=TODAY) == 1
    assert keys() == {f"evidence-expiring:{pentest.pk}:7"}


def test_replaced_evidence_and_terminated_vendors_are_quiet(reviewer):
    vendor = VendorFactory(slug="mixpanel")
    document(vendor, 5)
    document(vendor, 370)  # the new report already arrived
    document(VendorFactory(slug="gone", status="terminated"), 5)
    assert evidence_check(today=TODAY) == 0


def test_expired_evidence_makes_the_requirement_it_proves_not_met(reviewer):
    vendor = VendorFactory(slug="mixpanel")
    expired = document(vendor, -3)
    long_expired_but_relied_on = document(vendor, -200, kind="pentest")
    document(vendor, -200, kind="iso27001")  # long gone and proving nothing: not news
    met = VendorRequirementFactory(vendor=vendor, status="met", evidence=expired)
    relied = VendorRequirementFactory(vendor=vendor, status="met", evidence=long_expired_but_relied_on)

    assert evidence_check(today=TODAY) == 2
    statuses = dict(VendorRequirement.objects.values_list("pk", "status"))
    assert statuses == {met.pk: "not_met", relied.pk: "not_met"}
    assert "Lapsed on 2026-06-01: was met." in VendorRequirement.objects.get(pk=met.pk).note
    event = NotificationEvent.objects.get(dedupe_key=f"evidence-expired:{expired.pk}:{expired.expires_on}")
    assert event.payload["requirements_not_met"] == [met.requirement.code]
    assert keys() == {
        f"evidence-expired:{expired.pk}:{expired.expires_on}",
        f"evidence-expired:{long_expired_but_relied_on.pk}:{long_expired_but_relied_on.expires_on}",
    }

    history_rows = VendorRequirement.history.count()
    assert evidence_check(today=TODAY) == 0
    assert VendorRequirement.history.count() == history_rows, "a second run writes nothing"


def test_the_task_run_twice_sends_each_mail_once(reviewer, django_capture_on_commit_callbacks):
    vendor = VendorFactory(slug="mixpanel")
    today = timezone.localdate()
    document(vendor, 6, today=today)
    VendorRequirementFactory(vendor=vendor, status="met", evidence=document(vendor, -1, kind="pentest", today=today))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            evidence_check_task.delay()
    assert sorted(m.subject for m in mail.outbox) == [
        "[vendorrisk] SOC 2 Type II report of Mixpanel expires in 7 days or less",
        "[vendorrisk] SOC 2 Type II report of Mixpanel has expired",
    ]
    assert VendorRequirement.objects.get().status == "not_met"
