"""Offboarding: a checklist, then terminated; flows end, nothing is deleted."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.core.exceptions import TransitionRefused
from apps.datamap.models import DataFlow
from apps.reviews.services import offboarding_start, offboarding_step_mark, vendor_terminate
from tests.factories.datamap import DataFlowFactory
from tests.factories.vendors import DocumentFactory, VendorFactory, VendorServiceFactory

LEFT_AT = datetime.datetime(2025, 11, 26, tzinfo=datetime.UTC)


@pytest.fixture
def leaving(reviewer):
    vendor = VendorFactory(slug="leaving", status="active")
    DataFlowFactory(service=VendorServiceFactory(vendor=vendor))
    offboarding_start(vendor=vendor, actor=reviewer, reason="Incident")
    return vendor


def test_start_moves_the_vendor_to_offboarding(leaving):
    leaving.refresh_from_db()
    assert leaving.status == "offboarding"
    assert leaving.offboarding.reason == "Incident"


@pytest.mark.parametrize(
    ("steps", "missing"),
    [
        ([], "removed_from_production, access_revoked, data_returned_or_deletion_certificate"),
        (["removed_from_production", "access_revoked"], "data_returned_or_deletion_certificate"),
        (["removed_from_production", "data_returned"], "access_revoked"),
    ],
)
def test_termination_is_refused_until_the_checklist_is_complete(steps, missing, leaving, reviewer):
    for step in steps:
        offboarding_step_mark(vendor=leaving, step=step, actor=reviewer, at=LEFT_AT)
    with pytest.raises(TransitionRefused) as refused:
        vendor_terminate(vendor=leaving, actor=reviewer)
    assert refused.value.code == "offboarding_incomplete"
    assert missing in str(refused.value)
    leaving.refresh_from_db()
    assert leaving.status == "offboarding"


def test_terminate_ends_the_flows_on_the_day_the_vendor_left_and_deletes_nothing(leaving, reviewer):
    offboarding_step_mark(vendor=leaving, step="removed_from_production", actor=reviewer, at=LEFT_AT)
    offboarding_step_mark(vendor=leaving, step="access_revoked", actor=reviewer)
    certificate = DocumentFactory(vendor=leaving, kind="deletion_certificate", title="Deletion certificate")
    offboarding_step_mark(vendor=leaving, step="deletion_certificate", actor=reviewer, deletion_certificate=certificate)
    checklist = vendor_terminate(vendor=leaving, actor=reviewer)
    leaving.refresh_from_db()
    assert leaving.status == "terminated"
    assert checklist.completed_at is not None
    assert list(DataFlow.objects.filter(vendor=leaving).values_list("ends_on", flat=True)) == [LEFT_AT.date()]


def test_the_certificate_must_be_a_deletion_certificate_of_this_vendor(leaving, reviewer):
    with pytest.raises(ValidationError) as error:
        offboarding_step_mark(
            vendor=leaving,
            step="deletion_certificate",
            actor=reviewer,
            deletion_certificate=DocumentFactory(vendor=leaving),
        )
    assert "deletion_certificate" in error.value.message_dict
    with pytest.raises(ValidationError):
        offboarding_step_mark(
            vendor=leaving,
            step="deletion_certificate",
            actor=reviewer,
            deletion_certificate=DocumentFactory(kind="deletion_certificate"),
        )


def test_unknown_steps_and_vendors_not_offboarding_are_refused(leaving, reviewer, buyer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(ValidationError) as error:
        offboarding_step_mark(vendor=leaving, step="shred", actor=reviewer)
    assert "step" in error.value.message_dict
    with pytest.raises(TransitionRefused):
        offboarding_step_mark(vendor=VendorFactory(status="active"), step="access_revoked", actor=reviewer)
    with pytest.raises(PermissionDenied):
        offboarding_step_mark(vendor=leaving, step="access_revoked", actor=buyer)
