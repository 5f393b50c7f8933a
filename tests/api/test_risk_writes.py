"""Risk writes over the API: the catalogue, requirement statuses and tightenings, each through its service."""

import datetime

import pytest
from django.utils import timezone

from apps.risk.models import SecurityRequirement, Tightening, VendorRequirement
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.risk import SecurityRequirementFactory, VendorRequirementFactory
from tests.factories.vendors import DocumentFactory, VendorFactory, VendorServiceFactory

TODAY = timezone.localdate()
NEW_REQUIREMENT = {"code": "mfa-admin", "title": "MFA for admins", "control_mappings": ["ISO27001:A.5.17"]}


@pytest.fixture
def not_reviewers(buyer, dashboard_user):
    return [buyer, dashboard_user]


# --- the requirement catalogue -------------------------------------------------------------------------------
def test_a_reviewer_adds_and_edits_a_requirement(api, reviewer):
    created = api(reviewer).post("/api/v1/requirements/", NEW_REQUIREMENT, format="json")
    assert created.status_code == 201, created.json()
    assert created["Location"].endswith(f"/api/v1/requirements/{created.json()['id']}/")
    url = f"/api/v1/requirements/{created.json()['id']}/"
    edited = api(reviewer).patch(url, {"title": "MFA for every admin", "is_active": False}, format="json")
    assert edited.status_code == 200, edited.json()
    requirement = SecurityRequirement.objects.get(code="mfa-admin")
    assert (requirement.title, requirement.is_active) == ("MFA for every admin", False)
    assert requirement.history.first().history_user == reviewer


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**NEW_REQUIREMENT, "code": "signed-dpa"}, "code"),  # taken
        ({**NEW_REQUIREMENT, "title": ""}, "title"),
        ({**NEW_REQUIREMENT, "evidence_kinds": ["horoscope"]}, "evidence_kinds"),
    ],
)
def test_bad_requirement_input_is_400_naming_the_field(api, reviewer, payload, field):
    SecurityRequirementFactory(code="signed-dpa")
    response = api(reviewer).post("/api/v1/requirements/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert SecurityRequirement.objects.count() == 1


def test_a_requirement_code_never_changes(api, reviewer):
    requirement = SecurityRequirementFactory(code="signed-dpa")
    response = api(reviewer).patch(f"/api/v1/requirements/{requirement.pk}/", {"code": "renamed"}, format="json")
    assert response.status_code == 400 and "code" in response.json()
    assert SecurityRequirement.objects.filter(code="signed-dpa").exists()


def test_only_reviewers_write_the_catalogue(api, not_reviewers):
    requirement = SecurityRequirementFactory(code="signed-dpa", title="Signed DPA")
    for user in not_reviewers:
        assert api(user).post("/api/v1/requirements/", NEW_REQUIREMENT, format="json").status_code == 403
        patch = api(user).patch(f"/api/v1/requirements/{requirement.pk}/", {"title": "X"}, format="json")
        assert patch.status_code == 403
    assert list(SecurityRequirement.objects.values_list("title", flat=True)) == ["Signed DPA"]


# --- requirement statuses ------------------------------------------------------------------------------------
@pytest.fixture
def standing(db):
    return VendorRequirementFactory(vendor=VendorFactory(slug="acme"), requirement=SecurityRequirementFactory())


def _record(api, user, standing, payload):
    return api(user).patch(f"/api/v1/vendor-requirements/{standing.pk}/", payload, format="json")


def test_a_reviewer_records_met_with_the_vendors_evidence(api, reviewer, standing):
    report = DocumentFactory(vendor=standing.vendor, expires_on=TODAY + datetime.timedelta(days=200))
    response = _record(api, reviewer, standing, {"status": "met", "evidence": report.pk, "note": "Checked"})
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["evidence"], response.json()["verified_by"]) == (
        "met",
        report.pk,
        "reviewer",
    )


def test_met_without_evidence_is_400_naming_evidence(api, reviewer, standing):
    response = _record(api, reviewer, standing, {"status": "met"})
    assert response.status_code == 400
    assert "evidence" in response.json()
    standing.refresh_from_db()
    assert (standing.status, standing.verified_by) == ("not_met", None)


def test_evidence_of_another_vendor_is_400_naming_evidence(api, reviewer, standing):
    theirs = DocumentFactory(vendor=VendorFactory(slug="other"), expires_on=TODAY + datetime.timedelta(days=200))
    response = _record(api, reviewer, standing, {"status": "met", "evidence": theirs.pk})
    assert response.status_code == 400
    assert "another vendor" in response.json()["evidence"][0]
    standing.refresh_from_db()
    assert (standing.status, standing.evidence) == ("not_met", None)


@pytest.mark.parametrize("status", ["exception", "approved"])
def test_statuses_other_than_met_not_met_in_progress_are_400(api, reviewer, standing, status):
    response = _record(api, reviewer, standing, {"status": status})
    assert response.status_code == 400 and "status" in response.json()


def test_only_reviewers_record_statuses(api, standing, not_reviewers):
    for user in not_reviewers:
        assert _record(api, user, standing, {"status": "in_progress"}).status_code == 403
    standing.refresh_from_db()
    assert standing.status == "not_met"


# --- tightenings ---------------------------------------------------------------------------------------------
@pytest.fixture
def crm_world(db):
    email = DataCategoryFactory(code="email-address", parent=DataCategoryFactory(code="contact"))
    crm, console = SystemFactory(slug="crm"), SystemFactory(slug="console")
    for slug, system in (("crm-a", crm), ("crm-b", crm), ("console-a", console)):
        vendor = VendorFactory(slug=slug, category="crm")
        service = VendorServiceFactory(vendor=vendor)
        DataFlowFactory(service=service, system=system, mechanism="server_api", shared=[email])
    return {"rule": SecurityRequirementFactory(code="crm-api-key-rotation"), "email": email, "crm": crm}


CRM = {"requirement": "crm-api-key-rotation", "scope": {"system": "crm", "mechanism": "server_api"}}


def test_preview_lists_the_vendors_in_scope_and_writes_nothing(api, reviewer, crm_world):
    response = api(reviewer).post("/api/v1/tightenings/preview/", {"scope": CRM["scope"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["vendors_in_scope"] == 2
    assert [v["slug"] for v in response.json()["vendors"]] == ["crm-a", "crm-b"]
    assert not Tightening.objects.exists() and not VendorRequirement.objects.exists()


def test_a_system_scoped_tightening_fans_out_to_that_systems_vendors_only(
    api, reviewer, crm_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = api(reviewer).post("/api/v1/tightenings/", {**CRM, "reason": "Peer breach"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["scope"] == {"system": "crm", "mechanism": "server_api"}
    reached = VendorRequirement.objects.filter(requirement=crm_world["rule"]).values_list("vendor__slug", flat=True)
    assert sorted(reached) == ["crm-a", "crm-b"]
    detail = api(reviewer).get(f"/api/v1/tightenings/{created.json()['id']}/").json()
    assert (detail["vendors_in_scope"], detail["statuses_created"], detail["fan_out_state"]) == (2, 2, "done")


def test_fanning_out_again_creates_nothing_twice_and_reaches_newcomers(
    api, reviewer, crm_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tightening_id = api(reviewer).post("/api/v1/tightenings/", CRM, format="json").json()["id"]
    url = f"/api/v1/tightenings/{tightening_id}/fan-out/"
    with django_capture_on_commit_callbacks(execute=True):
        again = api(reviewer).post(url)
    assert again.status_code == 202
    assert VendorRequirement.objects.filter(requirement=crm_world["rule"]).count() == 2

    newcomer = VendorFactory(slug="crm-c", category="crm")
    DataFlowFactory(
        service=VendorServiceFactory(vendor=newcomer), system=crm_world["crm"], mechanism="server_api", shared=[]
    )
    with django_capture_on_commit_callbacks(execute=True):
        api(reviewer).post(url)
    assert VendorRequirement.objects.filter(requirement=crm_world["rule"]).count() == 3
    assert api(reviewer).get(f"/api/v1/tightenings/{tightening_id}/").json()["statuses_created"] == 3


def test_a_retired_requirement_is_not_fanned_out_again(api, reviewer, crm_world):
    tightening = Tightening.objects.create(requirement=crm_world["rule"], scope={"system": "crm"}, due_on=TODAY)
    SecurityRequirement.objects.filter(pk=crm_world["rule"].pk).update(is_active=False)
    response = api(reviewer).post(f"/api/v1/tightenings/{tightening.pk}/fan-out/")
    assert response.status_code == 409
    assert response.json()["code"] == "requirement_inactive"
    assert not VendorRequirement.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"requirement": "crm-api-key-rotation", "scope": {"system": "nowhere"}}, "scope"),
        ({"requirement": "crm-api-key-rotation", "scope": {"mechanism": "pigeon"}}, "scope"),
        ({"requirement": "crm-api-key-rotation"}, "scope"),  # neither a tier nor peers
        ({"requirement": "no-such-requirement", "scope": {"system": "crm"}}, "requirement"),
        ({**CRM, "due_on": "2001-01-01"}, "due_on"),
    ],
)
def test_bad_tightenings_are_400_naming_the_field_and_write_nothing(api, reviewer, crm_world, payload, field):
    response = api(reviewer).post("/api/v1/tightenings/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not Tightening.objects.exists()


def test_only_reviewers_tighten_preview_or_fan_out(api, reviewer, crm_world, not_reviewers):
    tightening = Tightening.objects.create(requirement=crm_world["rule"], scope={"system": "crm"}, due_on=TODAY)
    for user in not_reviewers:
        assert api(user).post("/api/v1/tightenings/", CRM, format="json").status_code == 403
        assert api(user).post("/api/v1/tightenings/preview/", CRM, format="json").status_code == 403
        assert api(user).post(f"/api/v1/tightenings/{tightening.pk}/fan-out/").status_code == 403
    assert Tightening.objects.count() == 1 and not VendorRequirement.objects.exists()
    assert api(not_reviewers[1]).get("/api/v1/tightenings/").status_code == 200  # the dashboard reads
    assert api(not_reviewers[0]).get("/api/v1/tightenings/").status_code == 403  # procurement does not


def test_the_tightening_list_runs_a_flat_number_of_queries(api, reviewer, crm_world, django_assert_max_num_queries):
    client = api(reviewer)

    def add(count):
        for _ in range(count):
            Tightening.objects.create(
                requirement=crm_world["rule"], scope={"system": "crm"}, due_on=TODAY, created_by=reviewer
            )

    add(2)
    client.get("/api/v1/tightenings/")
    with django_assert_max_num_queries(20) as few:
        assert len(client.get("/api/v1/tightenings/").json()["results"]) == 2
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/tightenings/", {"page_size": 100}).json()["results"]) == 22


def test_the_schema_documents_the_new_writes(db, tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    for path in ("/api/v1/tightenings/preview/", "/api/v1/tightenings/{id}/fan-out/"):
        assert path in text
    assert "VendorRequirementRecord" in text and "TighteningCreate" in text
