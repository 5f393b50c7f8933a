"""Drift findings from stored crawl results, and what a reviewer turns them into through the services."""

import datetime

import pytest
from django.utils import timezone

from apps.core.exceptions import TransitionRefused
from apps.datamap.choices import Mechanism, Sharing
from apps.datamap.models import DataFlow, DataFlowCategory
from apps.observation import services
from apps.observation.choices import FindingKind, FindingSeverity, FindingStatus
from apps.observation.models import DriftFinding, FlowSighting
from tests.factories.vendors import VendorFactory, VendorServiceFactory

from .conftest import drifting_crawl, record


def finding(kind, **filters):
    return DriftFinding.objects.get(kind=kind, **filters)


def test_each_kind_of_drift_is_found_once(register):
    drifting_crawl(register["target"])
    drifting_crawl(register["target"])
    kinds = sorted(DriftFinding.objects.values_list("kind", "origin"))
    assert kinds == [
        (FindingKind.UNDECLARED_CATEGORY, "https://api.tracklytics.example.com"),
        (FindingKind.UNDECLARED_VENDOR, "https://cdn.mxpnl.com"),
        (FindingKind.UNDECLARED_VENDOR, "https://pixel.unknown.example.net"),
    ]
    mixpanel = finding(FindingKind.UNDECLARED_VENDOR, origin="https://cdn.mxpnl.com")
    assert "Mixpanel SDK host" in mixpanel.summary
    assert mixpanel.severity == FindingSeverity.HIGH  # a script of someone unknown runs in our page


def test_a_vendor_without_a_flow_from_the_system_is_an_undeclared_flow(register):
    other = VendorFactory(slug="helpdesk", domains=["help.example.io"])
    VendorServiceFactory(vendor=other, slug="widget")
    record(register["target"], [_beacon("https://widget.help.example.io/ping", {"email": "x@example.com"})])
    undeclared = finding(FindingKind.UNDECLARED_FLOW)
    assert undeclared.vendor == other and undeclared.observed_categories == ["email-address"]

    services.finding_accept(finding=undeclared, actor=register["target"].system.owner)
    flow = DataFlow.objects.get(system=register["system"], vendor=other)
    assert flow.mechanism == Mechanism.CLIENT_SIDE_SDK
    assert list(flow.flow_categories.values_list("category__code", "sharing")) == [("email-address", "shared")]
    record(register["target"], [_beacon("https://widget.help.example.io/ping", {"email": "x@example.com"})])
    assert DriftFinding.objects.filter(kind=FindingKind.UNDECLARED_FLOW, status=FindingStatus.OPEN).count() == 0


def _beacon(url, body):
    from .conftest import beacon

    return beacon(url, body)


def test_accepting_a_category_sets_it_shared_through_the_register(register, reviewer):
    drifting_crawl(register["target"])
    email = finding(FindingKind.UNDECLARED_CATEGORY)
    services.finding_accept(finding=email, actor=reviewer, note="The SDK identifies users by email since v3.")
    row = DataFlowCategory.objects.get(flow=register["flow"], category__code="email-address")
    assert row.sharing == Sharing.SHARED and "v3" in row.note
    email.refresh_from_db()
    assert email.status == FindingStatus.RESOLVED
    with pytest.raises(TransitionRefused):
        services.finding_accept(finding=email, actor=reviewer)
    drifting_crawl(register["target"])  # now declared: not raised again
    email.refresh_from_db()
    assert email.status == FindingStatus.RESOLVED


def test_an_undeclared_vendor_is_accepted_by_naming_its_vendor(register, reviewer):
    drifting_crawl(register["target"])
    unknown = finding(FindingKind.UNDECLARED_VENDOR, origin="https://pixel.unknown.example.net")
    with pytest.raises(services.ValidationError) as refused:
        services.finding_accept(finding=unknown, actor=reviewer)
    assert "vendor" in refused.value.message_dict
    services.finding_accept(finding=unknown, actor=reviewer, vendor=register["vendor"])
    register["vendor"].refresh_from_db()
    assert "pixel.unknown.example.net" in register["vendor"].domains


def test_dismissing_needs_a_reason_and_stays_dismissed(register, reviewer):
    drifting_crawl(register["target"])
    unknown = finding(FindingKind.UNDECLARED_VENDOR, origin="https://pixel.unknown.example.net")
    with pytest.raises(services.ValidationError) as refused:
        services.finding_dismiss(finding=unknown, actor=reviewer, reason=" ")
    assert "reason" in refused.value.message_dict
    services.finding_dismiss(finding=unknown, actor=reviewer, reason="Our own CDN under another name.")
    drifting_crawl(register["target"])
    unknown.refresh_from_db()
    assert unknown.status == FindingStatus.DISMISSED and unknown.times_seen == 2


def test_a_client_side_flow_unseen_for_long_is_stale_and_ends_on_accept(register, reviewer):
    target = register["target"]
    services.target_update(target=target, actor=reviewer, stale_after_days=30)
    record(target, [])
    assert not DriftFinding.objects.exists()  # new flows and targets get their grace period
    FlowSighting.objects.create(flow=register["flow"], last_observed_at=timezone.now() - datetime.timedelta(days=31))
    crawl = record(target, [])
    assert crawl.summary["stale_flows"] == ["console-to-tracklytics"]
    stale = finding(FindingKind.STALE_FLOW)
    services.finding_accept(finding=stale, actor=reviewer)
    register["flow"].refresh_from_db()
    assert register["flow"].ends_on == timezone.localdate()


def test_a_stale_flow_seen_again_is_resolved(register, reviewer):
    FlowSighting.objects.create(flow=register["flow"], last_observed_at=timezone.now() - datetime.timedelta(days=90))
    record(register["target"], [])
    assert finding(FindingKind.STALE_FLOW).status == FindingStatus.OPEN
    drifting_crawl(register["target"])
    assert finding(FindingKind.STALE_FLOW).status == FindingStatus.RESOLVED
