import datetime
import json

import pytest
from django import forms
from django.urls import reverse

from apps.incidents.models import Incident, TimelineEvent
from apps.incidents.signals import incident_recorded
from tests.factories.incidents import IncidentFactory, TimelineEventFactory
from tests.factories.vendors import ContractFactory, VendorFactory

CHANGELIST = reverse("admin:incidents_incident_changelist")


@pytest.fixture
def admin_client(client, reviewer):
    client.force_login(reviewer)
    return client


def change_url(incident):
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def test_the_changelist_runs_a_constant_number_of_queries(admin_client, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            vendor = VendorFactory()
            ContractFactory(vendor=vendor)
            IncidentFactory(vendor=vendor)

    make(2)
    with django_assert_max_num_queries(20) as small:
        assert admin_client.get(CHANGELIST).status_code == 200
    make(18)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.content.count(b"BREACHED") == 20


def test_the_mixpanel_page_shows_the_delays_and_the_conflicts_side_by_side(admin_client, demo_data):
    incident = Incident.objects.get(slug="mixpanel-2025-11")
    response = admin_client.get(change_url(incident))
    assert response.status_code == 200
    page = response.content.decode()
    assert "384 h" in page
    assert "72 h (mixpanel-msa)" in page
    assert "BREACHED" in page
    assert "Exposure of API keys and usage statistics" in page
    assert "OpenAI API User Data Breach: What You Need to Know" in page
    assert "Aucune conversation, demande API" in page
    assert "Menilik" in page


def test_the_change_page_does_not_grow_with_the_number_of_claims(admin_client, django_assert_max_num_queries):
    from tests.factories.incidents import IncidentClaimFactory, IncidentExposureFactory, IncidentSourceFactory

    incident = IncidentFactory()
    source = IncidentSourceFactory(incident=incident)

    def add(n):
        for _ in range(n):
            IncidentClaimFactory(incident=incident, source=source)
            IncidentExposureFactory(incident=incident, source=source)

    add(2)
    with django_assert_max_num_queries(60) as small:
        assert admin_client.get(change_url(incident)).status_code == 200
    add(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin_client.get(change_url(incident)).status_code == 200


def test_claim_text_is_escaped_in_the_panel(admin_client):
    from tests.factories.incidents import IncidentClaimFactory, IncidentSourceFactory

    incident = IncidentFactory()
    official = IncidentSourceFactory(incident=incident, reliability=3)
    press = IncidentSourceFactory(incident=incident, reliability=1, title="<script>alert(1)</script>")
    kw = {"incident": incident, "kind": "attacker", "category": None, "exposure_status": "", "subject": "attacker"}
    IncidentClaimFactory(source=official, value="unknown", **kw)
    IncidentClaimFactory(source=press, value="<b>x</b>", statement="<img src=x onerror=alert(1)>", **kw)
    page = admin_client.get(change_url(incident)).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _change_form(admin_client, incident):
    """The change form's data as the browser would post it back, unchanged."""
    response = admin_client.get(change_url(incident))
    data = {}
    for form in [response.context["adminform"].form] + [
        f for formset in response.context["inline_admin_formsets"] for f in formset.formset.forms
    ]:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or name == "DELETE":
                continue
            if isinstance(value, datetime.datetime):
                data[f"{key}_0"], data[f"{key}_1"] = value.date().isoformat(), value.time().isoformat()
            elif isinstance(field, forms.JSONField):
                data[key] = json.dumps(value)
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = value
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update(_management(fs.prefix, fs.total_form_count(), fs.initial_form_count()))
    return data


def test_the_timeline_inline_appends_and_never_edits(admin_client, reviewer):
    incident = IncidentFactory()
    existing = TimelineEventFactory(incident=incident, description="As first recorded.")
    data = _change_form(admin_client, incident)
    prefixes = [
        fs.formset.prefix
        for fs in admin_client.get(change_url(incident)).context["inline_admin_formsets"]
        if fs.formset.model is TimelineEvent
    ]
    read_only, add_only = prefixes
    # The read-only inline has no editable field for the existing event, so a forged edit is ignored.
    data[f"{read_only}-0-description"] = "Rewritten history."
    data[f"{add_only}-0-kind"] = "correction"
    data[f"{add_only}-0-description"] = "The data set arrived a day later."
    data[f"{add_only}-0-corrects"] = str(existing.pk)
    data[f"{add_only}-0-occurred_at_0"] = "2025-11-26"
    data[f"{add_only}-0-occurred_at_1"] = "00:00:00"
    data["_continue"] = "1"
    response = admin_client.post(change_url(incident), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    existing.refresh_from_db()
    assert existing.description == "As first recorded."
    incident.refresh_from_db()
    assert incident.vendor_detected_at == datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)
    correction = incident.timeline.exclude(pk=existing.pk).get()
    assert correction.corrects == existing
    assert correction.recorded_by == reviewer


def test_a_disclosure_before_detection_is_shown_as_a_form_error(admin_client):
    incident = IncidentFactory()
    data = _change_form(admin_client, incident)
    data["public_disclosure_at_0"] = "2025-11-01"
    data["public_disclosure_at_1"] = "00:00:00"
    response = admin_client.post(change_url(incident), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "cannot be before the vendor detected the breach" in errors["public_disclosure_at"][0]
    incident.refresh_from_db()
    assert incident.public_disclosure_at is None


def test_adding_an_incident_in_the_admin_records_it_through_the_service(admin_client, reviewer):
    received = []
    incident_recorded.connect(
        lambda sender, incident, **kw: received.append(incident), weak=False, dispatch_uid="test-admin-add"
    )
    try:
        vendor = VendorFactory()
        response = admin_client.get(reverse("admin:incidents_incident_add"))
        data = {
            "slug": "new-breach",
            "vendor": vendor.pk,
            "title": "New breach",
            "severity": "critical",
            "status": "reported",
            "vendor_detected_at_0": "2025-11-09",
            "vendor_detected_at_1": "00:00:00",
            "data_subjects": "[]",
        }
        for formset in response.context["inline_admin_formsets"]:
            data.update(_management(formset.formset.prefix, 0, 0))
        response = admin_client.post(reverse("admin:incidents_incident_add"), data)
        assert response.status_code == 302, response.context and response.context["errors"]
    finally:
        incident_recorded.disconnect(dispatch_uid="test-admin-add")
    incident = Incident.objects.get(slug="new-breach")
    assert incident.recorded_by == reviewer
    assert received == [incident]
    assert incident.vendor_detected_at == datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)


def test_an_exposure_the_data_map_contradicts_is_refused_in_the_inline(admin_client, shared_map):
    incident = shared_map["incident"]
    data = _change_form(admin_client, incident)
    inlines = admin_client.get(change_url(incident)).context["inline_admin_formsets"]
    prefix = next(fs.formset.prefix for fs in inlines if fs.formset.model.__name__ == "IncidentExposure")
    data.update(_management(prefix, 1, 0))
    data[f"{prefix}-0-category"] = str(shared_map["health"].pk)
    data[f"{prefix}-0-status"] = "exposed"
    response = admin_client.post(change_url(incident), data)
    assert response.status_code == 200
    assert "No data flow ever sent" in response.content.decode()
    assert not incident.exposures.exists()


@pytest.mark.parametrize("user", ["buyer", "dashboard_user"])
def test_other_roles_cannot_open_the_incident_admin(client, request, user):
    client.force_login(request.getfixturevalue(user))
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
