"""The catalogue fixture, baselines per tier, statuses per vendor and what makes them lapse."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.reviews.models import RiskException
from apps.risk.models import Baseline, SecurityRequirement, VendorRequirement
from apps.risk.selectors import requirement_effective_status, vendor_requirements_with_effective_status
from apps.risk.services import requirement_statuses_sweep, vendor_requirement_record, vendor_requirements_ensure
from tests.factories.reviews import ReviewFactory
from tests.factories.vendors import DocumentFactory, VendorFactory

TODAY = timezone.localdate()


@pytest.fixture
def catalogue(db):
    call_command("loaddata", "fixtures/020_requirements_and_baselines.json", verbosity=0)


def test_the_catalogue_maps_every_requirement_to_the_frameworks(catalogue):
    mappings = {m for r in SecurityRequirement.objects.all() for m in r.control_mappings}
    for control in ("A.5.19", "A.5.20", "A.5.21", "A.5.22", "A.5.23"):
        assert f"ISO27001:{control}" in mappings
    assert any(m.startswith("NIST-CSF:GV.SC") for m in mappings)
    assert {"GDPR:Art.28(3)", "GDPR:Art.33(2)"} <= mappings
    assert any(m.startswith("DORA:Art.30") for m in mappings)
    assert all(r.control_mappings for r in SecurityRequirement.objects.all())


def test_baselines_shrink_with_the_tier_and_follow_the_cadence(catalogue):
    baselines = {b.tier: b for b in Baseline.objects.current()}
    assert [baselines[t].review_cadence_months for t in (1, 2, 3, 4)] == [12, 12, 24, 36]
    sizes = [baselines[t].requirements.count() for t in (1, 2, 3, 4)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == 8
    assert set(baselines[1].requirements.values_list("code", flat=True)) == {
        "assurance-report",
        "signed-dpa",
        "breach-notification-72h",
        "sso-mfa-vendor-staff",
        "annual-pen-test",
        "subprocessor-disclosure",
        "data-minimisation-review",
        "exit-plan",
    }


def test_ensure_creates_the_missing_statuses_once(catalogue):
    vendor = VendorFactory(tier=3)
    assert vendor_requirements_ensure(vendor=vendor) == 3
    assert vendor_requirements_ensure(vendor=vendor) == 0
    status = VendorRequirement.objects.filter(vendor=vendor).first()
    assert (status.status, status.due_on) == ("not_met", TODAY + datetime.timedelta(days=90))
    assert vendor_requirements_ensure(vendor=VendorFactory(tier=None)) == 0


@pytest.fixture
def met_with_evidence(catalogue, reviewer):
    vendor = VendorFactory(tier=1)
    vendor_requirements_ensure(vendor=vendor)
    report = DocumentFactory(vendor=vendor, issued_on=TODAY - datetime.timedelta(days=300), expires_on=TODAY)
    status = VendorRequirement.objects.get(vendor=vendor, requirement__code="assurance-report")
    vendor_requirement_record(vendor_requirement=status, status="met", evidence=report, actor=reviewer)
    return status


def test_expired_evidence_makes_a_requirement_not_met(met_with_evidence):
    assert requirement_effective_status(met_with_evidence, today=TODAY) == "met"
    assert requirement_effective_status(met_with_evidence, today=TODAY + datetime.timedelta(days=1)) == "not_met"


def test_the_sweep_records_lapsed_statuses_with_history(met_with_evidence, reviewer):
    assert requirement_statuses_sweep(today=TODAY) == 0
    assert requirement_statuses_sweep(today=TODAY + datetime.timedelta(days=1)) == 1
    met_with_evidence.refresh_from_db()
    assert met_with_evidence.status == "not_met"
    assert "was met" in met_with_evidence.note
    assert met_with_evidence.history.first().status == "not_met"
    assert requirement_statuses_sweep(today=TODAY + datetime.timedelta(days=1)) == 0


def test_an_exception_status_lapses_with_its_exception(catalogue, reviewer):
    vendor = VendorFactory(tier=4)
    vendor_requirements_ensure(vendor=vendor)
    status = VendorRequirement.objects.get(vendor=vendor)
    RiskException.objects.create(
        review=ReviewFactory(vendor=vendor),
        vendor_requirement=status,
        justification="Questionnaire promised",
        approved_by=reviewer,
        expires_on=TODAY,
    )
    VendorRequirement.objects.filter(pk=status.pk).update(status="exception")
    (annotated,) = vendor_requirements_with_effective_status(vendor=vendor)
    assert requirement_effective_status(annotated) == "exception"
    assert requirement_statuses_sweep(today=TODAY + datetime.timedelta(days=1)) == 1


def test_recording_expired_evidence_is_refused(catalogue, reviewer):
    from django.core.exceptions import ValidationError

    vendor = VendorFactory(tier=4)
    vendor_requirements_ensure(vendor=vendor)
    old = DocumentFactory(vendor=vendor, issued_on=datetime.date(2020, 1, 1), expires_on=datetime.date(2021, 1, 1))
    with pytest.raises(ValidationError) as error:
        vendor_requirement_record(
            vendor_requirement=VendorRequirement.objects.get(vendor=vendor), status="met", evidence=old, actor=reviewer
        )
    assert "evidence" in error.value.message_dict
