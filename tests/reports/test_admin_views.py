import base64
import hashlib

import pytest
from django.urls import reverse

from apps.reports.builders import build_dataflow_report
from apps.reports.renderers import REPORT_STYLE_CSP_SOURCE, render
from apps.vendors.models import Vendor
from tests.factories.datamap import DataCategoryFactory
from tests.factories.incidents import IncidentExposureFactory, IncidentFactory
from tests.factories.vendors import ContractFactory, VendorFactory


@pytest.fixture
def urls(db):
    """Report URLs of a small case: the role checks do not need the whole Mixpanel demo."""
    incident = IncidentFactory(slug="acme-2025-01", vendor=VendorFactory(slug="acme"))
    ContractFactory(vendor=incident.vendor, breach_notification_hours=72)
    IncidentExposureFactory(incident=incident, category=DataCategoryFactory(name="Email address"))
    vendor = incident.vendor
    return {
        "dataflow": reverse("reports:vendor-dataflow", args=[vendor.slug]),
        "incident": reverse("reports:incident-report", args=[incident.slug]),
        "notice": reverse("reports:incident-notice", args=[incident.slug]),
    }


def test_reviewer_gets_the_html_report_with_a_csp_that_allows_only_its_own_style(client, reviewer, urls):
    client.force_login(reviewer)
    response = client.get(urls["dataflow"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"<svg" in response.content
    policy = response["Content-Security-Policy"]
    style_src = next(part for part in policy.split(";") if part.strip().startswith("style-src"))
    assert REPORT_STYLE_CSP_SOURCE in style_src
    # The hash allowed is the hash of the style block the page really carries, so the browser applies it.
    page = response.content.decode()
    embedded = page[page.index("<style>") + len("<style>") : page.index("</style>")]
    digest = base64.b64encode(hashlib.sha256(embedded.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == REPORT_STYLE_CSP_SOURCE
    assert page.count("<style") == 1
    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy


def test_reviewer_gets_other_formats_and_the_notice(client, reviewer, urls):
    client.force_login(reviewer)
    assert client.get(urls["incident"], {"format": "json"}).json()["notification"]["contract_breached"] is True
    csv_response = client.get(urls["dataflow"], {"format": "csv"})
    assert csv_response["Content-Disposition"] == 'attachment; filename="dataflow-acme.csv"'
    assert csv_response.streaming
    streamed = b"".join(csv_response.streaming_content).decode()
    assert streamed == render(build_dataflow_report(vendor=Vendor.objects.get(slug="acme")), "csv")[0]
    notice = client.get(urls["notice"], {"lang": "fr"})
    assert "Adresse e-mail" in notice.content.decode()


def test_bad_format_or_language_is_a_400_naming_the_field(client, reviewer, urls):
    client.force_login(reviewer)
    response = client.get(urls["incident"], {"format": "pdf"})
    assert response.status_code == 400 and response.content.startswith(b"format:")
    response = client.get(urls["notice"], {"lang": "de"})
    assert response.status_code == 400 and response.content.startswith(b"lang:")


def test_unknown_vendor_or_incident_is_a_404(client, reviewer, urls):
    client.force_login(reviewer)
    assert client.get(reverse("reports:vendor-dataflow", args=["nope"])).status_code == 404
    assert client.get(reverse("reports:incident-report", args=["nope"])).status_code == 404


@pytest.mark.parametrize("role_fixture", ["buyer", "dashboard_user"])
def test_other_roles_are_refused(client, request, urls, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    for url in urls.values():
        response = client.get(url)
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/login/" in response["Location"]
        assert b"<svg" not in response.content


def test_staff_without_the_reviewer_role_is_forbidden(client, urls, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="x" * 16, is_staff=True)
    client.force_login(staff)
    assert client.get(urls["dataflow"]).status_code == 403


def test_anonymous_is_sent_to_the_login_page(client, urls):
    response = client.get(urls["incident"])
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_vendor_and_incident_change_pages_have_the_report_buttons(client, reviewer, mixpanel):
    vendor, incident = mixpanel
    client.force_login(reviewer)
    page = client.get(reverse("admin:vendors_vendor_change", args=[vendor.pk])).content.decode()
    dataflow = reverse("reports:vendor-dataflow", args=[vendor.slug])
    assert f'href="{dataflow}"' in page and f'href="{dataflow}?format=csv"' in page

    page = client.get(reverse("admin:incidents_incident_change", args=[incident.pk])).content.decode()
    assert f'href="{reverse("reports:incident-report", args=[incident.slug])}"' in page
    for lang in ("en", "fr", "es"):
        assert f'href="{reverse("reports:incident-notice", args=[incident.slug])}?lang={lang}"' in page
