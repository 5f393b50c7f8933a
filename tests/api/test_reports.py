"""Reports over the API equal the commands' output; `?format=` picks the report's format, not DRF's renderer."""

import json

import pytest
from django.core.management import call_command

from apps.incidents.models import Incident


@pytest.fixture
def mixpanel_incident(demo_data):
    return Incident.objects.get(slug="mixpanel-2025-11")


def command_output(capsys, *args):
    call_command(*args)
    return capsys.readouterr().out


def test_vendor_json_report_equals_the_command_output(api, dashboard_user, demo_data, capsys):
    expected = command_output(capsys, "dataflow_report", "mixpanel", "--format", "json")
    response = api(dashboard_user).get("/api/v1/vendors/mixpanel/report/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content.decode() == expected
    assert json.loads(expected)["vendor"]["slug"] == "mixpanel"


@pytest.mark.parametrize(("fmt", "content_type"), [("md", "text/markdown"), ("csv", "text/csv"), ("html", "text/html")])
def test_vendor_report_in_every_format_equals_the_command(api, reviewer, demo_data, capsys, fmt, content_type):
    expected = command_output(capsys, "dataflow_report", "mixpanel", "--format", fmt)
    response = api(reviewer).get("/api/v1/vendors/mixpanel/report/", {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response.streaming is (fmt == "csv")  # the CSV is written out line by line, the same text
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.decode() == expected


def test_html_report_csp_allows_only_its_own_style(api, reviewer, demo_data):
    from apps.reports.renderers import REPORT_STYLE_CSP_SOURCE

    response = api(reviewer).get("/api/v1/vendors/mixpanel/report/", {"format": "html"})
    policy = response["Content-Security-Policy"]
    assert f"style-src 'self' {REPORT_STYLE_CSP_SOURCE}" in policy
    assert "script-src 'self'" in policy


def test_unknown_report_format_is_400_naming_format(api, reviewer, demo_data):
    response = api(reviewer).get("/api/v1/vendors/mixpanel/report/", {"format": "pdf"})
    assert response.status_code == 400
    assert "format" in response.json()


def test_report_of_an_unknown_vendor_is_404(api, reviewer, db):
    assert api(reviewer).get("/api/v1/vendors/nobody/report/", {"format": "md"}).status_code == 404


def test_incident_report_equals_the_command(api, dashboard_user, mixpanel_incident, capsys):
    for fmt in ("json", "md"):
        expected = command_output(capsys, "incident_report", "mixpanel-2025-11", "--format", fmt)
        response = api(dashboard_user).get(f"/api/v1/incidents/{mixpanel_incident.pk}/report/", {"format": fmt})
        assert response.status_code == 200
        assert response.content.decode() == expected


@pytest.mark.parametrize(("lang", "subject"), [("en", "Subject"), ("fr", "Objet"), ("es", "Asunto")])
def test_notice_in_three_languages(api, dashboard_user, mixpanel_incident, lang, subject):
    response = api(dashboard_user).get(f"/api/v1/incidents/{mixpanel_incident.pk}/notice/", {"lang": lang})
    assert response.status_code == 200
    assert response["Content-Language"] == lang
    text = response.content.decode()
    assert text.startswith(subject)
    assert "Mixpanel" in text


def test_notice_in_an_unknown_language_is_400(api, reviewer, mixpanel_incident):
    response = api(reviewer).get(f"/api/v1/incidents/{mixpanel_incident.pk}/notice/", {"lang": "de"})
    assert response.status_code == 400
    assert "lang" in response.json()


def test_procurement_gets_no_reports(api, buyer, mixpanel_incident):
    assert api(buyer).get("/api/v1/vendors/mixpanel/report/").status_code == 403
    assert api(buyer).get(f"/api/v1/incidents/{mixpanel_incident.pk}/report/").status_code == 403
    assert api(buyer).get(f"/api/v1/incidents/{mixpanel_incident.pk}/notice/").status_code == 403


def test_incident_detail_nests_what_we_know_and_from_whom(api, dashboard_user, mixpanel_incident):
    body = api(dashboard_user).get(f"/api/v1/incidents/{mixpanel_incident.pk}/").json()
    assert body["vendor"] == "mixpanel"
    assert {s["key"] for s in body["sources"]} >= {"official-notice", "secondary-explainer", "press-001"}
    exposures = {e["category"]: e["status"] for e in body["exposures"]}
    assert exposures["email-address"] == "exposed"
    assert exposures.get("api-key", "not_exposed") != "exposed"
    assert all(claim["source"] for claim in body["claims"])
    assert body["timeline"] and body["actions"] is not None and body["amendments"] is not None


@pytest.mark.parametrize("fmt", ["json", "md", "html", "csv"])
def test_the_api_and_the_admin_button_serve_the_same_report_response(api, client, reviewer, demo_data, fmt):
    """One report response (apps.reports.responses) behind both doors: same body, type, download name, CSP."""
    from django.urls import reverse

    client.force_login(reviewer)
    by_api = api(reviewer).get("/api/v1/vendors/mixpanel/report/", {"format": fmt})
    by_admin = client.get(reverse("reports:vendor-dataflow", args=["mixpanel"]), {"format": fmt})
    assert by_api.status_code == by_admin.status_code == 200
    for header in ("Content-Type", "Content-Disposition"):
        assert by_api.get(header) == by_admin.get(header)
    assert by_api.streaming == by_admin.streaming == (fmt == "csv")
    body = b"".join(by_api.streaming_content) if fmt == "csv" else by_api.content
    assert body == (b"".join(by_admin.streaming_content) if fmt == "csv" else by_admin.content)
    if fmt == "csv":
        assert by_api["Content-Disposition"] == 'attachment; filename="dataflow-mixpanel.csv"'
    if fmt == "html":
        assert by_api["Content-Security-Policy"] == by_admin["Content-Security-Policy"]
