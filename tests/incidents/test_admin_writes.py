"""The incident admin writes through services: severity raised, rows, actions done, scope amended."""

import pytest
from django.urls import reverse

from apps.incidents.models import IncidentExposure, IncidentSource, ResponseAction, ScopeAmendment
from apps.reviews.models import Review
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory
from tests.factories.incidents import IncidentFactory, IncidentSourceFactory, ResponseActionFactory
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import VendorFactory, VendorServiceFactory

from .test_admin import _change_form, _management, change_url


@pytest.fixture
def admin_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def incident(db):
    BaselineFactory(tier=2, version=1, requirements=[SecurityRequirementFactory(code="signed-dpa")])
    service = VendorServiceFactory(vendor=VendorFactory(slug="tracker", tier=2))
    incident = IncidentFactory(vendor=service.vendor, severity="low", data_subjects=["API users"])
    incident.flow = DataFlowFactory(service=service, code="console-to-tracker")
    return incident


def amend_url(incident):
    return reverse("admin:incidents_incident_amend", args=[incident.pk])


def _prefix(admin_client, incident, model):
    inlines = admin_client.get(change_url(incident)).context["inline_admin_formsets"]
    return next(fs.formset.prefix for fs in inlines if fs.formset.model is model)


def _post(admin_client, incident, data):
    response = admin_client.post(change_url(incident), {**data, "_continue": "1"})
    errors = response.context and response.context["errors"]
    return response, errors


def test_raising_the_severity_in_the_admin_opens_one_review_and_again_none_more(admin_client, incident):
    for severity in ("critical", "critical", "high", "critical"):
        data = _change_form(admin_client, incident)
        data["severity"] = severity
        response, errors = _post(admin_client, incident, data)
        assert response.status_code == 302, errors
    incident.refresh_from_db()
    assert incident.severity == "critical"
    assert Review.objects.filter(incident=incident, kind="incident").count() == 1


def test_vendor_and_reference_are_read_only_once_recorded(admin_client, incident):
    data = _change_form(admin_client, incident)
    data.update({"vendor": str(VendorFactory().pk), "slug": "renamed", "title": "Renamed"})
    response, errors = _post(admin_client, incident, data)
    assert response.status_code == 302, errors
    incident.refresh_from_db()
    assert (incident.slug, incident.vendor.slug, incident.title) == (incident.slug, "tracker", "Renamed")
    assert incident.slug != "renamed"


def test_an_exposure_without_a_source_is_refused_in_the_inline(admin_client, incident):
    category = DataCategoryFactory(code="email-address")
    data = _change_form(admin_client, incident)
    prefix = _prefix(admin_client, incident, IncidentExposure)
    data.update(_management(prefix, 1, 0))
    data.update({f"{prefix}-0-category": str(category.pk), f"{prefix}-0-status": "not_exposed"})
    response, errors = _post(admin_client, incident, data)
    assert response.status_code == 200
    assert not incident.exposures.exists()


def test_an_exposure_citing_a_source_is_set_through_the_service(admin_client, incident):
    category = DataCategoryFactory(code="email-address")
    source = IncidentSourceFactory(incident=incident)
    data = _change_form(admin_client, incident)
    prefix = _prefix(admin_client, incident, IncidentExposure)
    data.update(_management(prefix, 1, 0))
    data.update(
        {
            f"{prefix}-0-category": str(category.pk),
            f"{prefix}-0-status": "not_exposed",
            f"{prefix}-0-source": str(source.pk),
        }
    )
    response, errors = _post(admin_client, incident, data)
    assert response.status_code == 302, errors
    assert incident.exposures.get().source == source


def test_a_source_added_in_the_inline_is_written_by_the_service(admin_client, incident):
    data = _change_form(admin_client, incident)
    prefix = _prefix(admin_client, incident, IncidentSource)
    data.update(_management(prefix, 1, 0))
    data.update(
        {
            f"{prefix}-0-key": "press-article",
            f"{prefix}-0-kind": "press",
            f"{prefix}-0-title": "Article",
            f"{prefix}-0-reliability": "1",
        }
    )
    response, errors = _post(admin_client, incident, data)
    assert response.status_code == 302, errors
    assert incident.sources.get().key == "press-article"


def test_setting_done_at_completes_the_action_and_a_done_action_stays_done(admin_client, incident):
    action = ResponseActionFactory(incident=incident)
    data = _change_form(admin_client, incident)
    prefix = _prefix(admin_client, incident, ResponseAction)
    data.update({f"{prefix}-0-done_at_0": "2025-11-27", f"{prefix}-0-done_at_1": "10:00:00"})
    response, errors = _post(admin_client, incident, data)
    assert response.status_code == 302, errors
    action.refresh_from_db()
    assert action.done_at.date().isoformat() == "2025-11-27"

    data = _change_form(admin_client, incident)
    data.pop(f"{prefix}-0-done_at_0"), data.pop(f"{prefix}-0-done_at_1")
    response, errors = _post(admin_client, incident, data)
    assert response.status_code == 200
    assert "A done action stays done." in response.content.decode()
    action.refresh_from_db()
    assert action.done_at is not None


def test_incidents_cannot_be_deleted_in_the_admin(admin_client, incident):
    response = admin_client.post(reverse("admin:incidents_incident_delete", args=[incident.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert type(incident).objects.filter(pk=incident.pk).exists()


def test_the_change_page_links_to_the_amendment_page(admin_client, incident):
    assert amend_url(incident) in admin_client.get(change_url(incident)).content.decode()
    assert admin_client.get(amend_url(incident)).status_code == 200


def _amend_data(**extra):
    return {
        "exposures-TOTAL_FORMS": "3",
        "exposures-INITIAL_FORMS": "0",
        "exposures-MIN_NUM_FORMS": "0",
        "exposures-MAX_NUM_FORMS": "1000",
        **extra,
    }


def test_the_amendment_page_records_a_new_version_and_keeps_the_first(admin_client, incident, reviewer):
    email = DataCategoryFactory(code="email-address")
    source = IncidentSourceFactory(incident=incident)
    data = _amend_data(
        reason="The vendor's second notice widens the scope.",
        data_subjects_add="Admins",
        flows_add=[str(incident.flow.pk)],
        **{
            "exposures-0-category": "email-address",
            "exposures-0-status": "exposed",
            "exposures-0-source": str(source.pk),
            "exposures-0-override_reason": "Typed in a free-text field.",
        },
    )
    response = admin_client.post(amend_url(incident), data)
    assert response.status_code == 302, response.context["form"].errors
    versions = list(ScopeAmendment.objects.filter(incident=incident).order_by("version"))
    assert [v.version for v in versions] == [0, 1]
    assert versions[0].scope_snapshot["data_subjects"] == ["API users"]
    assert versions[1].scope_snapshot["data_subjects"] == ["API users", "Admins"]
    assert versions[1].scope_snapshot["flows"] == ["console-to-tracker"]
    assert versions[1].recorded_by == reviewer
    assert incident.exposures.get(category=email).status == "exposed"


def test_an_amendment_that_changes_nothing_is_refused_on_the_form(admin_client, incident):
    response = admin_client.post(amend_url(incident), _amend_data(reason="Nothing really"))
    assert response.status_code == 200
    assert "An amendment must change something." in response.content.decode()
    assert not ScopeAmendment.objects.filter(incident=incident).exists()


def test_an_amendment_citing_another_incidents_source_is_refused(admin_client, incident):
    DataCategoryFactory(code="email-address")
    foreign = IncidentSourceFactory()
    data = _amend_data(
        reason="Wider",
        **{
            "exposures-0-category": "email-address",
            "exposures-0-status": "not_exposed",
            "exposures-0-source": str(foreign.pk),
        },
    )
    response = admin_client.post(amend_url(incident), data)
    assert response.status_code == 200
    assert not ScopeAmendment.objects.exists() and not incident.exposures.exists()


@pytest.mark.parametrize("user", ["buyer", "dashboard_user"])
def test_other_roles_cannot_amend(client, request, incident, user):
    client.force_login(request.getfixturevalue(user))
    response = client.post(amend_url(incident), _amend_data(reason="x", data_subjects_add="Everyone"))
    assert response.status_code in (302, 403)
    assert not ScopeAmendment.objects.exists()
