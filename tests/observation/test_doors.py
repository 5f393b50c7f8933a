"""The API, the admin, the command and the dashboard over the same services, with their role rules."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.observation.choices import FindingKind, FindingStatus
from apps.observation.models import DriftFinding, ObservationTarget
from tests.factories.accounts import UserFactory
from tests.factories.datamap import SystemFactory

from .conftest import SITE, drifting_crawl

TARGETS = "/api/v1/observation/targets/"
FINDINGS = "/api/v1/observation/findings/"


@pytest.fixture
def dashboard_user(db):
    return UserFactory(role="dashboard", username="dashboard")


def test_a_reviewer_sets_a_system_up_through_the_api(api, reviewer):
    SystemFactory(slug="billing")
    response = api(reviewer).post(
        TARGETS,
        {"system": "billing", "pages": ["https://billing.example.org/"], "canary_user_ids": [42]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["csp_report_path"].startswith("/observation/csp/") and body["canary_user_ids"] == ["42"]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"pages": []}, "pages"),
        ({"pages": ["ftp://billing.example.org/"]}, "pages"),
        ({"pages": ["http://10.0.0.8/"]}, "pages"),
        ({"pages": ["https://billing.example.org/"], "max_seconds": 5000}, "max_seconds"),
        ({"pages": ["https://billing.example.org/"], "sign_in_steps": [{"open": "x"}]}, "sign_in_steps"),
    ],
)
def test_bad_settings_are_400_naming_the_field_and_write_nothing(api, reviewer, payload, field):
    SystemFactory(slug="billing")
    response = api(reviewer).post(TARGETS, {"system": "billing", **payload}, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not ObservationTarget.objects.exists()


def test_observe_queues_a_crawl_on_commit(api, register, reviewer, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr("apps.observation.tasks.observe_system.delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(reviewer).post(f"{TARGETS}{register['target'].pk}/observe/")
    assert response.status_code == 202 and queued == [register["target"].pk]


def test_findings_are_read_accepted_and_dismissed_through_the_api(api, register, reviewer):
    drifting_crawl(register["target"])
    client = api(reviewer)
    listed = client.get(FINDINGS, {"kind": FindingKind.UNDECLARED_CATEGORY}).json()["results"]
    assert [(f["category"], f["flow"]) for f in listed] == [("email-address", "console-to-tracklytics")]
    assert listed[0]["evidence"]["initiator"] == "https://cdn.tracklytics.example.com/sdk.js"

    accepted = client.post(f"{FINDINGS}{listed[0]['id']}/accept/", {"note": "since v3"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == FindingStatus.RESOLVED
    again = client.post(f"{FINDINGS}{listed[0]['id']}/accept/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "finding_closed"

    unknown = DriftFinding.objects.get(origin="https://pixel.unknown.example.net")
    assert client.post(f"{FINDINGS}{unknown.pk}/dismiss/", {}, format="json").status_code == 400
    assert client.post(f"{FINDINGS}{unknown.pk}/accept/", {}, format="json").status_code == 400  # names no vendor
    dismissed = client.post(f"{FINDINGS}{unknown.pk}/dismiss/", {"reason": "our CDN"}, format="json")
    assert dismissed.json()["status"] == FindingStatus.DISMISSED


def test_dashboards_read_and_cannot_write_procurement_sees_nothing(api, register, dashboard_user, buyer):
    drifting_crawl(register["target"])
    finding = DriftFinding.objects.first()
    dashboard = api(dashboard_user)
    assert dashboard.get(FINDINGS).status_code == 200
    assert dashboard.get("/api/v1/observation/requests/", {"unknown": "true"}).status_code == 200
    assert dashboard.post(f"{FINDINGS}{finding.pk}/dismiss/", {"reason": "x"}, format="json").status_code == 403
    assert dashboard.post(f"{TARGETS}{register['target'].pk}/observe/").status_code == 403
    assert api(buyer).get(FINDINGS).status_code == 403
    assert api().get(FINDINGS).status_code in (401, 403)


@pytest.mark.parametrize("url", [FINDINGS, "/api/v1/observation/requests/", "/api/v1/observation/crawls/", TARGETS])
def test_lists_keep_a_constant_query_count(api, register, reviewer, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.observation import services

    services.target_create(system=SystemFactory(), actor=reviewer, pages=["https://other.example.org/"])
    for _ in range(2):
        drifting_crawl(register["target"])
    client = api(reviewer)
    client.get(url)  # warm the role cache and content types
    counts, lengths = [], []
    for size in (1, 100):
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, {"page_size": size})
        counts.append(len(context.captured_queries))
        lengths.append(len(response.json()["results"]))
    assert counts[0] == counts[1]
    assert lengths[0] == 1 < lengths[1]


def test_the_dashboard_lists_unknown_third_parties_of_the_week(api, register, reviewer):
    drifting_crawl(register["target"])
    rows = api(reviewer).get("/api/v1/dashboard/").json()["unknown_third_parties_this_week"]
    assert [(r["origin"], r["known_as"], r["systems"]) for r in rows] == [
        ("https://cdn.mxpnl.com", "Mixpanel", ["console"]),
        ("https://pixel.unknown.example.net", "", ["console"]),
    ]


def test_the_command_refuses_an_unknown_system(db):
    with pytest.raises(CommandError, match="is set up for checking"):
        call_command("observe_system", "nope")


def test_the_command_reports_a_refused_crawl(register, settings, capsys):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    target = register["target"]
    ObservationTarget.objects.filter(pk=target.pk).update(pages=["http://127.0.0.1:9/"])
    with pytest.raises(CommandError, match="may not reach"):
        call_command("observe_system", "console")


def test_the_admin_shows_findings_on_the_system_page_and_decides_them(client, register, reviewer):
    drifting_crawl(register["target"])
    reviewer.is_staff = True
    reviewer.save()
    client.force_login(reviewer)
    system_page = client.get(reverse("admin:datamap_system_change", args=[register["system"].pk]))
    assert system_page.status_code == 200 and b"pixel.unknown.example.net" in system_page.content
    vendor_page = client.get(reverse("admin:vendors_vendor_change", args=[register["vendor"].pk]))
    assert b"Email address" in vendor_page.content
    email = DriftFinding.objects.get(kind=FindingKind.UNDECLARED_CATEGORY)
    url = reverse("admin:observation_driftfinding_change", args=[email.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"sdk.js" in page.content
    decided = client.post(url, {"decision": "dismiss", "note": ""})
    assert decided.status_code == 200 and b"Say why" in decided.content  # the refusal shows on the form
    decided = client.post(url, {"decision": "dismiss", "note": "a test page only"})
    assert decided.status_code == 302
    email.refresh_from_db()
    assert email.status == FindingStatus.DISMISSED
    assert client.get(reverse("admin:observation_observationtarget_changelist")).status_code == 200
    assert (
        SITE.encode()
        in client.get(reverse("admin:observation_observationtarget_change", args=[register["target"].pk])).content
    )
