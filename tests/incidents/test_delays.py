import datetime

import pytest

from apps.incidents.delays import notification_delays
from tests.factories.incidents import IncidentFactory
from tests.factories.vendors import ContractFactory, VendorFactory

DETECTED = datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)


def at(days, hours=0):
    return DETECTED + datetime.timedelta(days=days, hours=hours)


@pytest.fixture
def vendor(db):
    return VendorFactory()


def test_the_clause_comes_from_the_contract_in_force_at_detection(vendor):
    ContractFactory(
        vendor=vendor,
        reference="old",
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2024, 12, 31),
        breach_notification_hours=24,
    )
    ContractFactory(
        vendor=vendor, reference="current", starts_on=datetime.date(2025, 1, 1), breach_notification_hours=72
    )
    ContractFactory(
        vendor=vendor, reference="future", starts_on=datetime.date(2026, 1, 1), breach_notification_hours=12
    )
    incident = IncidentFactory(vendor=vendor, vendor_detected_at=DETECTED, vendor_notified_at=at(2))
    delays = notification_delays(incident)
    assert (delays.contract_reference, delays.contract_clause_hours) == ("current", 72)
    assert delays.delay_hours == 48
    assert delays.contract_breached is False


def test_without_a_contract_in_force_the_latest_contract_is_used(vendor):
    ContractFactory(
        vendor=vendor,
        reference="v1",
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2021, 1, 1),
        breach_notification_hours=24,
    )
    ContractFactory(
        vendor=vendor,
        reference="v2",
        starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date(2023, 1, 1),
        breach_notification_hours=48,
    )
    incident = IncidentFactory(vendor=vendor, vendor_detected_at=DETECTED, vendor_notified_at=at(3))
    delays = notification_delays(incident)
    assert (delays.contract_reference, delays.contract_clause_hours, delays.contract_breached) == ("v2", 48, True)


def test_a_silent_contract_leaves_the_breach_unknown(vendor):
    ContractFactory(vendor=vendor, breach_notification_hours=None)
    delays = notification_delays(IncidentFactory(vendor=vendor, vendor_notified_at=at(30)))
    assert delays.contract_clause_hours is None
    assert delays.contract_breached is None
    assert delays.delay_hours == 720


def test_we_are_told_at_the_earliest_of_notice_and_data_set(vendor):
    ContractFactory(vendor=vendor, breach_notification_hours=72)
    incident = IncidentFactory(vendor=vendor, vendor_notified_at=at(2, 12), dataset_received_at=at(16))
    delays = notification_delays(incident)
    assert delays.told_at == at(2, 12)
    assert delays.delay_hours == 60
    assert delays.contract_breached is False


def test_a_vendor_still_silent_past_its_clause_is_already_late(vendor):
    ContractFactory(vendor=vendor, breach_notification_hours=72)
    incident = IncidentFactory(vendor=vendor, vendor_notified_at=None)
    assert notification_delays(incident, now=at(1)).contract_breached is None
    late = notification_delays(incident, now=at(4))
    assert late.still_waiting is True
    assert late.contract_breached is True


def test_without_a_detection_time_nothing_is_guessed(vendor):
    delays = notification_delays(IncidentFactory(vendor=vendor, vendor_detected_at=None, vendor_notified_at=None))
    assert delays.delay_hours is None
    assert delays.contract_breached is None
