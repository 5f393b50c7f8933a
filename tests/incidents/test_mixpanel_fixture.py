"""The Mixpanel incident as setup_demo loads it (fixtures/110_mixpanel_incident.json)."""

import pytest
from django.core.management import call_command

from apps.core.demo import FIXTURES_DIR
from apps.incidents.delays import notification_delays
from apps.incidents.models import (
    Incident,
    IncidentClaim,
    IncidentExposure,
    IncidentSource,
    Recommendation,
    ResponseAction,
    TimelineEvent,
)
from apps.incidents.selectors import (
    claim_conflicts,
    exposure_datamap_overrides,
    exposure_summary,
    unsupported_claims,
)

SIX_EXPOSED = {
    "name",
    "email-address",
    "approximate-location",
    "user-agent",
    "referring-website",
    "account-identifiers",
}


@pytest.fixture
def mixpanel(demo_data):
    return Incident.objects.select_related("vendor").get(slug="mixpanel-2025-11")


def test_the_vendor_told_us_384_hours_after_detection_breaching_its_72_hour_clause(mixpanel):
    delays = notification_delays(mixpanel)
    assert delays.delay_hours == 384
    assert delays.contract_reference == "mixpanel-msa"
    assert delays.contract_clause_hours == 72
    assert delays.contract_breached is True


def test_exposed_are_the_six_categories_of_the_official_notice(mixpanel):
    summary = exposure_summary(incident=mixpanel)
    assert {e["category"]["code"] for e in summary["exposed"]} == SIX_EXPOSED
    assert {e["source"]["key"] for e in summary["exposed"]} == {"official-notice"}
    not_exposed = {e["category"]["code"] for e in summary["not_exposed"]}
    assert {
        "password",
        "api-key",
        "payment-card",
        "official-id",
        "conversations",
        "api-requests-responses",
        "api-usage-data",
        "session-token",
        "authentication-secrets",
    } <= not_exposed
    # Every exposed category was sent to Mixpanel by the console flow: nothing contradicts the data map.
    assert not exposure_datamap_overrides(incident=mixpanel).exists()


def test_press_001_claims_on_api_keys_and_usage_data_are_contradicted_by_the_official_notice(mixpanel):
    exposure_conflicts = {
        c["category"]["code"]: c for c in claim_conflicts(incident=mixpanel) if c["kind"] == "exposure"
    }
    assert set(exposure_conflicts) == {"api-key", "api-usage-data"}
    for conflict in exposure_conflicts.values():
        assert conflict["source"]["key"] == "press-001"
        assert conflict["source"]["reliability"] == "low"
        assert conflict["value"] == "exposed"
        assert conflict["contradicted_by"]["source"]["key"] == "official-notice"
        assert conflict["contradicted_by"]["value"] == "not_exposed"
        assert "clé API" in conflict["contradicted_by"]["statement"]


def test_the_other_claims_of_press_001_are_shown_against_their_most_reliable_source(mixpanel):
    others = {c["subject"]: c for c in claim_conflicts(incident=mixpanel) if c["kind"] != "exposure"}
    assert others["breach-date"]["value"] == "early 2026"
    assert others["breach-date"]["contradicted_by"]["value"] == "2025-11-09"
    assert others["attacker"]["value"] == "Menilik"
    assert others["rotate-api-keys"]["contradicted_by"]["source"]["key"] == "secondary-explainer"
    # Nobody else speaks of encryption: an unsupported claim, but not a contradiction.
    assert "encryption" not in others
    [unsupported] = unsupported_claims(incident=mixpanel)
    assert (unsupported["subject"], unsupported["source"]["key"]) == ("encryption", "press-001")


def test_the_case_is_complete(mixpanel):
    sources = {s.key: (s.kind, s.language, s.get_reliability_display()) for s in mixpanel.sources.all()}
    assert sources == {
        "official-notice": ("official_notice", "fr", "High"),
        "secondary-explainer": ("secondary", "es", "Medium"),
        "press-001": ("press", "en", "Low"),
    }
    timeline = {e.key: e for e in mixpanel.timeline.all()}
    assert timeline["vendor-investigating"].occurred_at is None
    assert timeline["dataset-received"].occurred_at.date().isoformat() == "2025-11-25"
    assert mixpanel.actions.filter(kind="remove_from_production").exists()
    assert mixpanel.recommendations.filter(key="no-mandatory-rotation").exists()
    assert list(mixpanel.affected_flows.values_list("code", flat=True)) == ["platform-console-to-mixpanel"]


def test_loading_the_case_twice_leaves_the_same_rows(mixpanel):
    models = (Incident, IncidentSource, IncidentExposure, IncidentClaim, TimelineEvent, ResponseAction, Recommendation)

    def counts():
        return {m.__name__: m.objects.count() for m in models} | {
            "history": Incident.history.count() + IncidentClaim.history.count()
        }

    before = counts()
    call_command("loaddata", str(FIXTURES_DIR / "110_mixpanel_incident.json"), verbosity=0)
    assert counts() == before
    assert before["IncidentClaim"] == 24
