"""The risk services every door calls: the catalogue, baselines, requirement statuses and system-scoped tightening."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.risk.models import Baseline, SecurityRequirement, Tightening, VendorRequirement
from apps.risk.selectors import tightening_preview
from apps.risk.services import (
    baseline_publish,
    baseline_tighten,
    baseline_update,
    requirement_create,
    requirement_update,
    vendor_requirement_record,
)
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory, VendorRequirementFactory
from tests.factories.vendors import DocumentFactory, VendorFactory, VendorServiceFactory

TODAY = timezone.localdate()


def test_a_requirement_is_created_once_per_code_and_its_code_never_changes(reviewer):
    requirement = requirement_create(
        code="mfa-admin", title=" MFA for admins ", evidence_kinds=["soc2_type2"], actor=reviewer
    )
    assert (requirement.title, requirement.history.first().history_user) == ("MFA for admins", reviewer)
    with pytest.raises(ValidationError) as duplicate:
        requirement_create(code="mfa-admin", title="Again", actor=reviewer)
    assert "code" in duplicate.value.message_dict
    updated = requirement_update(requirement=requirement, title="MFA for every admin", is_active=False, actor=reviewer)
    assert (updated.code, updated.title, updated.is_active) == ("mfa-admin", "MFA for every admin", False)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": ""}, "title"),
        ({"evidence_kinds": ["horoscope"]}, "evidence_kinds"),
        ({"control_mappings": ["", "ISO27001:A.5.19"]}, "control_mappings"),
    ],
)
def test_bad_requirement_input_names_the_field_and_writes_nothing(reviewer, kwargs, field):
    with pytest.raises(ValidationError) as error:
        requirement_create(**{"code": "new", "title": "New", "actor": reviewer, **kwargs})
    assert field in error.value.message_dict
    assert not SecurityRequirement.objects.exists()


def test_only_a_security_reviewer_keeps_the_catalogue(buyer):
    with pytest.raises(PermissionDenied):
        requirement_create(code="new", title="New", actor=buyer)
    assert not SecurityRequirement.objects.exists()


def test_publishing_a_baseline_makes_the_next_version_current_and_keeps_the_old(reviewer):
    dpa, pentest = SecurityRequirementFactory(code="signed-dpa"), SecurityRequirementFactory(code="pen-test")
    old = BaselineFactory(tier=2, version=3, requirements=[dpa])
    new = baseline_publish(tier=2, name="Tier 2", review_cadence_months=12, requirements=[dpa, pentest], actor=reviewer)
    old.refresh_from_db()
    assert (new.version, new.is_current, old.is_current) == (4, True, False)
    assert set(new.requirements.values_list("code", flat=True)) == {"signed-dpa", "pen-test"}
    assert list(old.requirements.values_list("code", flat=True)) == ["signed-dpa"]
    renamed = baseline_update(baseline=new, name="Tier 2 (2027)", actor=reviewer)
    assert (renamed.name, renamed.version) == ("Tier 2 (2027)", 4)


def test_a_baseline_refuses_an_inactive_requirement(reviewer):
    retired = SecurityRequirementFactory(code="fax-policy", is_active=False)
    with pytest.raises(ValidationError) as error:
        baseline_publish(tier=3, name="T3", review_cadence_months=24, requirements=[retired], actor=reviewer)
    assert "requirements" in error.value.message_dict
    assert not Baseline.objects.exists()


@pytest.fixture
def standing(db):
    return VendorRequirementFactory(vendor=VendorFactory(slug="acme"), requirement=SecurityRequirementFactory())


def test_met_needs_evidence(standing, reviewer):
    with pytest.raises(ValidationError) as error:
        vendor_requirement_record(vendor_requirement=standing, status="met", actor=reviewer)
    assert "evidence" in error.value.message_dict
    standing.refresh_from_db()
    assert standing.status == "not_met"


def test_met_needs_evidence_of_the_same_vendor(standing, reviewer):
    elsewhere = DocumentFactory(vendor=VendorFactory(slug="other"), expires_on=TODAY + datetime.timedelta(days=30))
    with pytest.raises(ValidationError) as error:
        vendor_requirement_record(vendor_requirement=standing, status="met", evidence=elsewhere, actor=reviewer)
    assert "another vendor" in error.value.message_dict["evidence"][0]
    standing.refresh_from_db()
    assert (standing.status, standing.evidence) == ("not_met", None)


def test_in_progress_needs_no_evidence(standing, reviewer):
    recorded = vendor_requirement_record(
        vendor_requirement=standing, status="in_progress", note="Asked", actor=reviewer
    )
    assert (recorded.status, recorded.verified_by, recorded.note) == ("in_progress", reviewer, "Asked")


@pytest.fixture
def crm_world(db):
    """Vendors reaching the CRM or the console, by server API or SDK, with contact data or not."""
    contact = DataCategoryFactory(code="contact")
    email = DataCategoryFactory(code="email-address", parent=contact)
    usage = DataCategoryFactory(code="page-views")
    crm, console = SystemFactory(slug="crm"), SystemFactory(slug="console")

    def vendor(slug, system, mechanism="server_api", shared=(email,)):
        v = VendorFactory(slug=slug, category="crm")
        DataFlowFactory(service=VendorServiceFactory(vendor=v), system=system, mechanism=mechanism, shared=list(shared))
        return v

    vendor("crm-contacts", crm)
    vendor("console-contacts", console)
    vendor("crm-sdk", crm, mechanism="client_side_sdk")
    vendor("crm-usage", crm, shared=(usage,))
    split = VendorFactory(slug="split", category="crm")  # CRM by API without contact data, contacts elsewhere
    DataFlowFactory(service=VendorServiceFactory(vendor=split), system=crm, mechanism="server_api", shared=[usage])
    DataFlowFactory(service=VendorServiceFactory(vendor=split), system=console, mechanism="server_api", shared=[email])
    return {"rule": SecurityRequirementFactory(code="crm-api-key-rotation")}


CRM_SCOPE = {"system": "crm", "mechanism": "server_api", "data_categories": ["contact"]}


def test_a_system_scoped_tightening_reaches_only_that_systems_vendors(
    crm_world, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tightening = baseline_tighten(requirement=crm_world["rule"], actor=reviewer, scope=CRM_SCOPE)
    tightening.refresh_from_db()
    assert tightening.scope == {"system": "crm", "mechanism": "server_api", "data_categories": ["contact"]}
    reached = VendorRequirement.objects.filter(requirement=crm_world["rule"]).values_list("vendor__slug", flat=True)
    assert list(reached) == ["crm-contacts"]
    assert (tightening.vendors_in_scope, tightening.statuses_created) == (1, 1)


def test_an_unknown_system_is_refused_naming_the_scope(crm_world, reviewer):
    with pytest.raises(ValidationError) as error:
        baseline_tighten(requirement=crm_world["rule"], actor=reviewer, scope={"system": "no-such-system"})
    assert "no-such-system" in error.value.message_dict["scope"][0]
    assert not Tightening.objects.exists()


def test_the_preview_lists_the_vendors_in_scope_and_writes_nothing(crm_world, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        preview = tightening_preview(scope=CRM_SCOPE)
    assert preview["vendors_in_scope"] == 1
    assert [vendor.slug for vendor in preview["vendors"]] == ["crm-contacts"]
    everyone_on_the_crm = tightening_preview(scope={"system": "crm"})
    assert [v.slug for v in everyone_on_the_crm["vendors"]] == ["crm-contacts", "crm-sdk", "crm-usage", "split"]
    assert not Tightening.objects.exists() and not VendorRequirement.objects.exists()
