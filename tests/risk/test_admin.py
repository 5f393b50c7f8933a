"""The risk admin writes through the risk services: refusals show on the page and nothing is written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.risk.models import Baseline, SecurityRequirement, Tightening, VendorRequirement
from tests.admin_forms import admin_post
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory, VendorRequirementFactory
from tests.factories.vendors import DocumentFactory, VendorFactory, VendorServiceFactory

TODAY = timezone.localdate()


@pytest.fixture
def standing(db):
    return VendorRequirementFactory(vendor=VendorFactory(slug="acme"), requirement=SecurityRequirementFactory())


def _change_url(standing):
    return reverse("admin:risk_vendorrequirement_change", args=[standing.pk])


def test_met_without_evidence_is_refused_on_the_page(client, reviewer, standing):
    client.force_login(reviewer)
    response = admin_post(client, _change_url(standing), {"status": "met", "note": "Trust me"})
    assert response.status_code == 200
    assert "Met needs evidence" in response.content.decode()
    standing.refresh_from_db()
    assert (standing.status, standing.note, standing.verified_by) == ("not_met", "", None)


def test_the_evidence_picker_offers_only_this_vendors_documents(client, reviewer, standing):
    ours = DocumentFactory(vendor=standing.vendor, title="Our SOC 2", expires_on=TODAY + datetime.timedelta(days=90))
    theirs = DocumentFactory(vendor=VendorFactory(slug="other"), title="Their SOC 2")
    client.force_login(reviewer)
    page = client.get(_change_url(standing)).content.decode()
    assert f'value="{ours.pk}"' in page and f'value="{theirs.pk}"' not in page
    refused = admin_post(client, _change_url(standing), {"status": "met", "evidence": str(theirs.pk)})
    assert refused.status_code == 200
    standing.refresh_from_db()
    assert standing.evidence is None
    admin_post(client, _change_url(standing), {"status": "met", "evidence": str(ours.pk)})
    standing.refresh_from_db()
    assert (standing.status, standing.evidence, standing.verified_by) == ("met", ours, reviewer)


@pytest.fixture
def crm_world(db):
    email = DataCategoryFactory(code="email-address", parent=DataCategoryFactory(code="contact"))
    crm, console = SystemFactory(slug="crm", name="CRM"), SystemFactory(slug="console", name="Console")
    for slug, system in (("crm-vendor", crm), ("console-vendor", console)):
        vendor = VendorFactory(slug=slug, display_name=slug.title())
        service = VendorServiceFactory(vendor=vendor)
        DataFlowFactory(service=service, system=system, mechanism="server_api", shared=[email])
    return SecurityRequirementFactory(code="crm-key-rotation")


def _tightening_form(rule, **changes):
    return {"requirement": str(rule.pk), "system": "crm", "mechanism": "server_api", "data_categories": ["contact"]} | (
        changes
    )


def test_the_preview_lists_the_vendors_in_scope_and_writes_nothing(client, reviewer, crm_world):
    client.force_login(reviewer)
    url = reverse("admin:risk_tightening_add")
    assert "_preview" in client.get(url).content.decode()
    response = admin_post(client, url, {**_tightening_form(crm_world), "_preview": "Preview"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 vendor in scope" in page and "crm-vendor" in page and "console-vendor" not in page
    assert not Tightening.objects.exists() and not VendorRequirement.objects.exists()


def test_a_bad_scope_in_the_preview_is_a_form_error(client, reviewer, crm_world):
    client.force_login(reviewer)
    url = reverse("admin:risk_tightening_add")
    response = admin_post(client, url, {"requirement": str(crm_world.pk), "_preview": "Preview"})
    assert response.status_code == 200
    assert "Name a tier, a scope of peers, or both." in response.content.decode()


def test_saving_a_system_scoped_tightening_fans_out_to_that_system_only(
    client, reviewer, crm_world, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_post(client, reverse("admin:risk_tightening_add"), _tightening_form(crm_world, reason="Peer"))
    assert response.status_code == 302
    tightening = Tightening.objects.get()
    assert (tightening.scope["system"], tightening.created_by) == ("crm", reviewer)
    assert list(VendorRequirement.objects.values_list("vendor__slug", flat=True)) == ["crm-vendor"]


def test_a_refused_tightening_is_shown_and_nothing_is_written(client, reviewer, crm_world):
    client.force_login(reviewer)
    form = _tightening_form(crm_world, due_on="2001-01-01")
    response = admin_post(client, reverse("admin:risk_tightening_add"), form)
    assert response.status_code == 200
    assert "The due date must be in the future." in response.content.decode()
    assert not Tightening.objects.exists()


def test_a_requirement_is_added_by_the_service_and_keeps_its_code(client, reviewer):
    client.force_login(reviewer)
    add = reverse("admin:risk_securityrequirement_add")
    response = admin_post(
        client, add, {"code": "mfa-admin", "title": "MFA", "evidence_kinds": '["horoscope"]', "control_mappings": "[]"}
    )
    assert response.status_code == 200 and "Unknown document kinds: horoscope" in response.content.decode()
    assert not SecurityRequirement.objects.exists()
    admin_post(client, add, {"code": "mfa-admin", "title": "MFA", "evidence_kinds": "[]", "control_mappings": "[]"})
    requirement = SecurityRequirement.objects.get(code="mfa-admin")
    assert requirement.history.first().history_user == reviewer
    change = reverse("admin:risk_securityrequirement_change", args=[requirement.pk])
    admin_post(client, change, {"code": "renamed", "title": "MFA for admins"})
    requirement.refresh_from_db()
    assert (requirement.code, requirement.title) == ("mfa-admin", "MFA for admins")


def test_adding_a_baseline_publishes_the_next_version(client, reviewer):
    dpa = SecurityRequirementFactory(code="signed-dpa")
    old = BaselineFactory(tier=3, version=1, requirements=[dpa])
    client.force_login(reviewer)
    form = {"tier": "3", "name": "Tier 3", "review_cadence_months": "24", "requirements": [str(dpa.pk)]}
    response = admin_post(client, reverse("admin:risk_baseline_add"), form)
    assert response.status_code == 302
    new = Baseline.objects.get(tier=3, is_current=True)
    old.refresh_from_db()
    assert (new.version, old.is_current, list(new.requirements.all())) == (2, False, [dpa])
