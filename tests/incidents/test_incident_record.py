import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.incidents.models import Incident
from apps.incidents.services import incident_record
from apps.incidents.signals import incident_recorded
from tests.factories.datamap import DataFlowFactory
from tests.factories.vendors import VendorFactory

DETECTED = datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)


@pytest.fixture
def received_signals():
    received = []

    def receiver(sender, incident, **kwargs):
        received.append(incident)

    incident_recorded.connect(receiver)
    yield received
    incident_recorded.disconnect(receiver)


def test_recording_an_incident_saves_it_and_sends_incident_recorded(reviewer, received_signals):
    flow = DataFlowFactory()
    incident = incident_record(
        vendor=flow.vendor,
        title="Breach at the analytics vendor",
        severity="high",
        vendor_detected_at=DETECTED,
        dataset_received_at=DETECTED + datetime.timedelta(days=16),
        affected_flows=[flow],
        data_subjects=["API users"],
        recorded_by=reviewer,
    )
    assert received_signals == [incident]
    assert incident.slug == f"{flow.vendor.slug}-2025-11"
    assert incident.recorded_by == reviewer
    assert list(incident.affected_flows.all()) == [flow]
    # The systems default to where the affected flows start.
    assert list(incident.affected_systems.all()) == [flow.system]


@pytest.mark.parametrize("field", ["public_disclosure_at", "vendor_notified_at", "dataset_received_at"])
def test_a_time_before_the_vendors_detection_is_refused_naming_the_field(reviewer, received_signals, field):
    with pytest.raises(ValidationError) as error:
        incident_record(
            vendor=VendorFactory(),
            title="Impossible order of events",
            severity="high",
            vendor_detected_at=DETECTED,
            recorded_by=reviewer,
            **{field: DETECTED - datetime.timedelta(days=1)},
        )
    assert field in error.value.message_dict
    assert "cannot be before the vendor detected the breach" in error.value.message_dict[field][0]
    assert not Incident.objects.exists()
    assert received_signals == []


def test_our_awareness_may_come_before_the_vendors_detection(reviewer):
    incident = incident_record(
        vendor=VendorFactory(),
        title="We found it first",
        severity="medium",
        vendor_detected_at=DETECTED,
        we_became_aware_at=DETECTED - datetime.timedelta(days=2),
        recorded_by=reviewer,
    )
    assert incident.pk


def test_a_flow_to_another_vendor_is_refused(reviewer):
    with pytest.raises(ValidationError) as error:
        incident_record(
            vendor=VendorFactory(),
            title="Wrong flow",
            severity="low",
            affected_flows=[DataFlowFactory()],
            recorded_by=reviewer,
        )
    assert "affected_flows" in error.value.message_dict
    assert not Incident.objects.exists()


def test_an_unknown_severity_is_refused(reviewer):
    with pytest.raises(ValidationError) as error:
        incident_record(vendor=VendorFactory(), title="x", severity="apocalyptic", recorded_by=reviewer)
    assert "severity" in error.value.message_dict
