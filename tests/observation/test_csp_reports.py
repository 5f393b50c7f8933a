"""Done-when #2: CSP violation reports from our own pages feed the same matching, within a size cap and a rate."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.observation import services
from apps.observation.choices import FindingKind, Source
from apps.observation.models import DriftFinding, ObservedRequest
from tests.factories.datamap import SystemFactory
from tests.intake.conftest import load_reference_data

SITE = "https://console.example.org"


@pytest.fixture
def target(reviewer):
    cache.clear()
    load_reference_data()
    system = SystemFactory(slug="console")
    return services.target_create(system=system, actor=reviewer, pages=[f"{SITE}/"], canary_email="ada@example.org")


def report_uri_body(blocked, document=f"{SITE}/settings", directive="script-src-elem"):
    return {
        "csp-report": {
            "document-uri": document,
            "blocked-uri": blocked,
            "effective-directive": directive,
            "source-file": f"{SITE}/static/app.js",
        }
    }


def post(client, target, body, content_type="application/csp-report"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(reverse("observation:csp-report", args=[target.report_key]), data, content_type=content_type)


@pytest.mark.django_db
def test_a_report_of_an_unknown_origin_raises_one_finding(client, target):
    body = report_uri_body("https://cdn.tracker.example.net/t.js?email=ada%40example.org")
    assert post(client, target, body).status_code == 204
    assert post(client, target, body).status_code == 204  # the same report again: the same finding

    finding = DriftFinding.objects.get()
    assert finding.kind == FindingKind.UNDECLARED_VENDOR
    assert finding.origin == "https://cdn.tracker.example.net"
    assert finding.observed_categories == ["email-address"]
    row = finding.evidence
    assert row.source == Source.CSP_REPORT and row.resource_type == "script"
    assert row.initiator == f"{SITE}/static/app.js" and row.page_url == f"{SITE}/settings"
    assert "ada@example.org" not in json.dumps(row.signals) and row.query_keys == ["email"]


@pytest.mark.django_db
def test_report_to_bodies_are_read_too(client, target):
    body = [
        {
            "type": "csp-violation",
            "url": f"{SITE}/",
            "body": {
                "documentURL": f"{SITE}/",
                "blockedURL": "wss://live.chat.example.com/socket",
                "effectiveDirective": "connect-src",
            },
        },
        {"type": "deprecation", "body": {"id": "x"}},
    ]
    assert post(client, target, body, "application/reports+json").status_code == 204
    assert DriftFinding.objects.get().origin == "https://live.chat.example.com"


@pytest.mark.django_db
def test_inline_violations_and_other_sites_pages_are_ignored(client, target):
    assert post(client, target, report_uri_body("inline")).status_code == 204
    assert (
        post(
            client, target, report_uri_body("https://x.example.net/a.js", document="https://evil.example/")
        ).status_code
        == 204
    )
    assert not ObservedRequest.objects.exists() and not DriftFinding.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/csp-report"),
        ({"report": {}}, "application/csp-report"),
        ({"csp-report": {"document-uri": f"{SITE}/"}}, "application/csp-report"),
        ({"csp-report": {"document-uri": f"{SITE}/", "blocked-uri": ["x"]}}, "application/csp-report"),
        (
            [{"type": "csp-violation", "body": {"documentURL": f"{SITE}/", "blockedURL": "https://a.example/"}}] * 21,
            "application/reports+json",
        ),
        (report_uri_body("https://a.example/"), "text/plain"),
    ],
)
def test_a_malformed_report_is_400_and_stores_nothing(client, target, body, content_type):
    response = post(client, target, body, content_type)
    assert response.status_code == 400
    assert not ObservedRequest.objects.exists() and not DriftFinding.objects.exists()


@pytest.mark.django_db
def test_an_oversized_report_is_400_and_stores_nothing(client, target, settings):
    settings.OBSERVATION_CSP_MAX_BYTES = 1024
    body = report_uri_body("https://a.example/t.js?pad=" + "x" * 2000)
    response = post(client, target, body)
    assert response.status_code == 400 and "1024" in response.json()["body"][0]
    assert not ObservedRequest.objects.exists()


@pytest.mark.django_db
def test_the_endpoint_accepts_no_more_than_its_rate(client, target, settings):
    settings.OBSERVATION_CSP_REPORTS_PER_MINUTE = 3
    settings.OBSERVATION_CSP_REPORTS_PER_MINUTE_PER_SYSTEM = 5
    body = json.dumps(report_uri_body("https://a.example/t.js"))
    url = reverse("observation:csp-report", args=[target.report_key])

    def statuses(address, times):
        return [
            client.post(url, body, content_type="application/csp-report", REMOTE_ADDR=address).status_code
            for _ in range(times)
        ]

    assert statuses("192.0.2.1", 5) == [204, 204, 204, 429, 429]
    # Another address gets its own three, but the system as a whole takes five a minute.
    assert statuses("192.0.2.2", 3) == [204, 204, 429]
    assert ObservedRequest.objects.get().times_seen == 5


@pytest.mark.django_db
def test_an_unknown_key_or_a_get_is_refused(client, target):
    assert client.post("/observation/csp/nope/", "{}", content_type="application/csp-report").status_code == 404
    assert client.get(reverse("observation:csp-report", args=[target.report_key])).status_code == 405
