"""The README's worked example: the January 2023 CircleCI breach, recorded through the API alone.

Nothing here touches the ORM or the admin after the reference data and two user accounts exist: every row is
written over HTTP, and the write guard proves each write went through a service. The facts are those of
/work/shared/cases/circleci.md (the vendor's incident report is the authoritative source).
"""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from apps.core.demo import fixture_files
from apps.datamap.services import category_paths_rebuild
from tests.factories.accounts import UserFactory
from tests.write_guard import writes_only_through_services

PASSWORD = "circleci-example-password-1"


@pytest.fixture
def api(db):
    # Reference data only (the catalogue, requirements and baselines), as `setup_demo` loads it.
    for path in fixture_files():
        if path.name.startswith(("010_", "020_")):
            call_command("loaddata", str(path), verbosity=0)
    category_paths_rebuild()
    UserFactory(role="security-reviewer", username="sec-lead", password=PASSWORD)
    client = APIClient()
    answer = client.post("/api/v1/auth/token/", {"username": "sec-lead", "password": PASSWORD}, format="json")
    assert answer.status_code == 200, answer.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return client


def _ok(response, status=(200, 201)):
    statuses = (status,) if isinstance(status, int) else status
    assert response.status_code in statuses, (response.status_code, response.content[:2000])
    return response.json() if response.content and response["Content-Type"].startswith("application/json") else None


def test_the_circleci_breach_recorded_through_the_api_alone(api, django_capture_on_commit_callbacks):
    def call(method, path, body=None, status=(200, 201)):
        # The test's transaction never commits: run each request's after-commit work (the fan-out task, eager
        # without a broker; notifications) when the request ends, as a committed request would.
        with django_capture_on_commit_callbacks(execute=True):
            response = getattr(api, method)(f"/api/v1/{path}", body, format="json")
        return _ok(response, status)

    post = lambda path, body: call("post", path, body)  # noqa: E731
    get = lambda path: call("get", path)  # noqa: E731

    with writes_only_through_services() as stray:
        # The register: our deployment pipeline sends secrets and code to CircleCI; a CRM vendor gets contacts.
        post("systems/", {"slug": "deploy-pipeline", "name": "Deployment pipeline"})
        post("systems/", {"slug": "crm", "name": "CRM"})
        post(
            "vendors/",
            {
                "slug": "circleci",
                "legal_name": "Circle Internet Services, Inc.",
                "display_name": "CircleCI",
                "website": "https://circleci.com",
                "domains": ["circleci.com"],
                "hq_country": "US",
                "category": "developer_tools",
            },
        )
        post(
            "vendors/circleci/services/",
            {"slug": "hosted-builds", "name": "Hosted builds", "handles_secrets": True, "business_criticality": "high"},
        )
        post(
            "data-flows/",
            {
                "code": "deploy-pipeline-to-circleci",
                "system": "deploy-pipeline",
                "vendor": "circleci",
                "service": "hosted-builds",
                "mechanism": "server_api",
                "purpose": "Build and deploy our services; deploy keys and cloud credentials live in its contexts.",
                "data_subjects": ["engineers"],
                "starts_on": "2021-03-01",
                "categories": [
                    {"category": "uploaded-files", "sharing": "shared", "note": "source code"},
                    {"category": "api-key", "sharing": "shared", "note": "deploy keys, cloud credentials"},
                    {"category": "session-token", "sharing": "shared", "note": "OAuth tokens"},
                    {"category": "name", "sharing": "shared", "note": "committers"},
                    {"category": "email-address", "sharing": "shared", "note": "committers"},
                    {"category": "payment-card", "sharing": "not_shared", "note": ""},
                    {"category": "conversations", "sharing": "not_shared", "note": "no customer content"},
                ],
            },
        )
        post(
            "contracts/",
            {
                "vendor": "circleci",
                "reference": "circleci-msa",
                "description": "Scenario assumption: a 72-hour breach-notification clause.",
                "starts_on": "2021-03-01",
                "breach_notification_hours": 72,
            },
        )
        # A peer vendor on another system, which a tightening scoped to the pipeline must not reach.
        post("vendors/", {"slug": "crm-co", "legal_name": "CRM Co", "display_name": "CRM Co", "category": "crm"})
        post("vendors/crm-co/services/", {"slug": "crm", "name": "CRM"})
        post(
            "data-flows/",
            {
                "code": "crm-to-crm-co",
                "system": "crm",
                "vendor": "crm-co",
                "service": "crm",
                "mechanism": "server_api",
                "categories": [{"category": "api-key", "sharing": "shared"}],
            },
        )

        # The incident, its sources, what each category suffered, the claims, the timeline.
        incident = post(
            "incidents/",
            {
                "vendor": "circleci",
                "slug": "circleci-2023-01",
                "title": "CircleCI: customer secrets exfiltrated with a stolen engineer session",
                "severity": "low",
                "vendor_detected_at": "2022-12-29T00:00:00Z",
                "vendor_notified_at": "2023-01-04T00:00:00Z",
                "public_disclosure_at": "2023-01-04T00:00:00Z",
                "data_subjects": ["engineers"],
                "affected_flows": ["deploy-pipeline-to-circleci"],
            },
        )
        base = f"incidents/{incident['id']}/"
        post(
            base + "sources/",
            {
                "key": "vendor-report",
                "kind": "official_notice",
                "title": "CircleCI incident report for January 4, 2023 security incident",
                "publisher": "CircleCI",
                "url": "https://circleci.com/blog/jan-4-2023-incident-report/",
                "language": "en",
                "published_on": "2023-01-13",
                "reliability": 3,
            },
        )
        post(
            base + "sources/",
            {
                "key": "press",
                "kind": "press",
                "title": "Press write-up of the CircleCI breach",
                "language": "en",
                "published_on": "2023-01-12",
                "reliability": 1,
            },
        )
        # First disclosure: secrets stored encrypted, so suspected; the report's later news settles it (below).
        for category, status in (
            ("api-key", "suspected"),
            ("session-token", "suspected"),
            ("uploaded-files", "suspected"),
        ):
            post(base + "exposures/", {"category": category, "status": status, "source": "vendor-report"})
        post(base + "exposures/", {"category": "payment-card", "status": "not_exposed", "source": "vendor-report"})
        post(
            base + "claims/",
            {
                "key": "last-activity-official",
                "source": "vendor-report",
                "kind": "date",
                "subject": "last unauthorised activity",
                "value": "2022-12-22",
                "statement": "The last recorded unauthorised activity in production was on 2022-12-22.",
            },
        )
        post(
            base + "claims/",
            {
                "key": "last-activity-press",
                "source": "press",
                "kind": "date",
                "subject": "last unauthorised activity",
                "value": "2023-01-04",
                "statement": "Exfiltration ran between December 16, 2022 and January 4, 2023.",
            },
        )
        for when, kind, text in (
            ("2022-12-16T00:00:00Z", "other", "Malware on an engineer's laptop steals a 2FA-backed SSO session."),
            ("2022-12-22T00:00:00Z", "other", "Data exfiltrated: customer environment variables, tokens, keys."),
            ("2022-12-29T00:00:00Z", "detected", "A customer alerts CircleCI to suspicious OAuth activity."),
            ("2023-01-04T00:00:00Z", "vendor_notified_us", "Public alert: rotate every secret stored in CircleCI."),
        ):
            post(
                base + "timeline/", {"occurred_at": when, "kind": kind, "description": text, "source": "vendor-report"}
            )

        # Raised to critical once the scale is known: the incident response opens once.
        call("patch", base, {"severity": "critical"})

        # The vendor's report adds that encryption keys were taken from a running process, so the stored secrets
        # could be decrypted: scope version 1.
        post(
            base + "amendments/",
            {
                "reason": "The incident report adds that encryption keys were taken from a running process.",
                "changes": {
                    "exposures": [
                        {"category": "api-key", "status": "exposed", "source": "vendor-report"},
                        {"category": "session-token", "status": "exposed", "source": "vendor-report"},
                    ]
                },
            },
        )
        rotate = post(
            base + "actions/",
            {"kind": "rotate_credentials", "description": "Rotate every secret stored in CircleCI."},
        )
        post(f"{base}actions/{rotate['id']}/complete/", {"done_at": "2023-01-05T12:00:00Z"})
        post(
            base + "actions/",
            {"kind": "other", "description": "Review audit logs for use of old credentials, 2022-12-16 to 2023-01-04."},
        )

        # A requirement for every vendor holding our pipeline's secrets, scoped to that system.
        post(
            "requirements/",
            {
                "code": "ci-secrets-rotation",
                "title": "CI secrets rotate automatically and are short-lived",
                "description": "Credentials stored at a CI vendor are short-lived OIDC tokens or rotated monthly.",
            },
        )
        scope = {"system": "deploy-pipeline", "mechanism": "server_api", "data_categories": ["authentication-secrets"]}
        preview = post("tightenings/preview/", {"scope": scope})
        assert [v["slug"] for v in preview["vendors"]] == ["circleci"]
        tightening = post("tightenings/", {"requirement": "ci-secrets-rotation", "scope": scope, "reason": "CircleCI"})
        call("post", f"tightenings/{tightening['id']}/fan-out/", {}, status=202)

    assert stray == [], f"writes outside a service: {stray}"

    statuses = get("vendor-requirements/?page_size=500")["results"]
    holders = {row["vendor"] for row in statuses if row["requirement"] == "ci-secrets-rotation"}
    assert holders == {"circleci"}, "only the pipeline's vendor gets the requirement"
    progress = get(f"tightenings/{tightening['id']}/")
    assert (progress["statuses_created"], progress["fan_out_state"]) == (1, "done"), "the second run created nothing"

    reviews = get("reviews/?vendor=circleci&kind=incident")["results"]
    assert len(reviews) == 1, "raising to critical opened exactly one incident-triggered review"

    report = get(f"{base}report/?format=json")
    assert report["notification"]["delay_hours"] == 144
    assert report["notification"]["contract_clause_hours"] == 72
    assert report["notification"]["contract_breached"] is True
    versions = {amendment["version"]: amendment["scope"] for amendment in report["amendments"]}
    assert set(versions) == {0, 1}
    assert "api-key" in versions[0]["exposures"]["suspected"], "version 0 keeps the scope as first disclosed"
    assert "api-key" in versions[1]["exposures"]["exposed"]
    exposed = {row["code"] for row in report["exposure"]["exposed"]}
    assert {"api-key", "session-token"} <= exposed
    assert report["conflicts"], "the press's dates contradict the vendor's report"
