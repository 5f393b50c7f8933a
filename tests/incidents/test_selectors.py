import pytest

from apps.incidents.selectors import claim_conflicts, exposure_summary
from tests.factories.datamap import DataCategoryFactory
from tests.factories.incidents import (
    IncidentClaimFactory,
    IncidentExposureFactory,
    IncidentFactory,
    IncidentSourceFactory,
)


@pytest.fixture
def sources(db):
    incident = IncidentFactory()
    return {
        "incident": incident,
        "official": IncidentSourceFactory(incident=incident, key="official", reliability=3, kind="official_notice"),
        "explainer": IncidentSourceFactory(incident=incident, key="explainer", reliability=2, kind="secondary"),
        "press": IncidentSourceFactory(incident=incident, key="press", reliability=1, kind="press"),
    }


def claim(source, **kwargs):
    return IncidentClaimFactory(incident=source.incident, source=source, **kwargs)


def test_a_less_reliable_claim_that_differs_is_a_conflict_naming_both_sides(sources):
    api_key = DataCategoryFactory(code="api-key", name="API keys")
    claim(sources["official"], category=api_key, exposure_status="not_exposed", statement="No API keys.")
    claim(sources["press"], category=api_key, exposure_status="exposed", statement="API keys leaked.")
    [conflict] = claim_conflicts(incident=sources["incident"])
    assert conflict["category"] == {"code": "api-key", "name": "API keys"}
    assert conflict["claim"] == "API keys leaked."
    assert conflict["source"] == {"key": "press", "title": "Official notice", "reliability": "low"}
    assert conflict["contradicted_by"]["source"]["key"] == "official"
    assert conflict["contradicted_by"]["statement"] == "No API keys."


def test_agreeing_sources_and_lone_claims_are_not_conflicts(sources):
    email = DataCategoryFactory(code="email-address")
    claim(sources["official"], category=email, exposure_status="exposed")
    claim(sources["press"], category=email, exposure_status="exposed")
    claim(sources["press"], kind="other", category=None, exposure_status="", subject="encryption", value="e2e")
    assert claim_conflicts(incident=sources["incident"]) == []


def test_without_the_official_source_the_next_most_reliable_one_is_the_reference(sources):
    kw = {"kind": "recommendation", "category": None, "exposure_status": ""}
    claim(sources["explainer"], subject="rotate-api-keys", value="not recommended", statement="No rotation.", **kw)
    claim(sources["press"], subject="Rotate-API-keys ", value="regenerate now", statement="Rotate now!", **kw)
    [conflict] = claim_conflicts(incident=sources["incident"])
    assert conflict["subject"].strip().lower() == "rotate-api-keys"
    assert conflict["contradicted_by"]["source"]["key"] == "explainer"


def test_claims_of_another_incident_do_not_count(sources):
    api_key = DataCategoryFactory(code="api-key")
    claim(sources["press"], category=api_key, exposure_status="exposed")
    other_official = IncidentSourceFactory(key="official", reliability=3)
    claim(other_official, category=api_key, exposure_status="not_exposed")
    assert claim_conflicts(incident=sources["incident"]) == []


def test_conflicts_take_one_query_whatever_the_number_of_claims(sources, django_assert_num_queries):
    for n in range(6):
        category = DataCategoryFactory()
        claim(sources["official"], category=category, exposure_status="not_exposed")
        claim(sources["press"], category=category, exposure_status="exposed")
        with django_assert_num_queries(1):
            assert len(claim_conflicts(incident=sources["incident"])) == n + 1


def test_exposure_summary_groups_categories_by_status_with_their_source(sources, django_assert_num_queries):
    for code in ("name", "email-address"):
        IncidentExposureFactory(
            incident=sources["incident"],
            category=DataCategoryFactory(code=code),
            status="exposed",
            source=sources["official"],
        )
    IncidentExposureFactory(
        incident=sources["incident"], category=DataCategoryFactory(code="password"), status="not_exposed", source=None
    )
    with django_assert_num_queries(1):
        summary = exposure_summary(incident=sources["incident"])
    assert list(summary) == ["exposed", "suspected", "unknown", "not_exposed"]
    assert {e["category"]["code"] for e in summary["exposed"]} == {"name", "email-address"}
    assert summary["exposed"][0]["source"]["key"] == "official"
    assert summary["not_exposed"][0]["source"] is None
