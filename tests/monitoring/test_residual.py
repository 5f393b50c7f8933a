"""Residual risk: the pure formula, its history rows, and the API filter."""

import datetime

import pytest

from apps.monitoring.models import ResidualRisk, ResidualRiskChange
from apps.monitoring.residual import ResidualInputs, compute_residual
from apps.monitoring.services import residual_risk_recompute
from apps.risk.choices import RequirementStatus
from tests.factories.reviews import FindingFactory
from tests.factories.risk import VendorRequirementFactory
from tests.factories.vendors import DocumentFactory, VendorFactory


@pytest.mark.parametrize(
    ("inputs", "rating", "score"),
    [
        (ResidualInputs(inherent_tier=1, met=5), 3, 0),  # every control in place: two levels lower
        (ResidualInputs(inherent_tier=1, met=4, in_progress=2), 2, 17),  # gap 1/6: one level lower
        (ResidualInputs(inherent_tier=1, met=4, in_progress=2, open_findings={"high": 1}), 1, 32),
        (ResidualInputs(inherent_tier=2, met=1, not_met=3), 2, 75),  # controls missing: stays at inherent
        (ResidualInputs(inherent_tier=4, met=3), 4, 0),  # never below tier 4
        (ResidualInputs(inherent_tier=2), 2, 0),  # nothing assessed: no control counted
        (ResidualInputs(inherent_tier=2, met=2, open_findings={"critical": 3}), 2, 100),  # capped
        (ResidualInputs(inherent_tier=None, met=2), None, 0),
    ],
)
def test_the_formula(inputs, rating, score):
    result = compute_residual(inputs)
    assert (result.rating, result.score) == (rating, score)
    assert result.reasons


def test_an_exception_is_a_risk_accepted_not_a_control():
    with_exception = compute_residual(ResidualInputs(inherent_tier=1, met=1, exception=2))
    all_met = compute_residual(ResidualInputs(inherent_tier=1, met=2))
    assert with_exception.rating == 1 and all_met.rating == 3
    assert any("exception" in reason for reason in with_exception.reasons)


@pytest.fixture
def assessed_vendor(db):
    vendor = VendorFactory(slug="assessed", tier=1)
    current = DocumentFactory(vendor=vendor, expires_on=datetime.date(2999, 1, 1))
    expired = DocumentFactory(vendor=vendor, issued_on=datetime.date(1999, 1, 1), expires_on=datetime.date(2000, 1, 1))
    VendorRequirementFactory(vendor=vendor, status=RequirementStatus.MET, evidence=current)
    VendorRequirementFactory(vendor=vendor, status=RequirementStatus.MET, evidence=current)
    # Met on expired evidence is not met today.
    VendorRequirementFactory(vendor=vendor, status=RequirementStatus.MET, evidence=expired)
    return vendor


def test_recompute_keeps_history_and_running_twice_changes_nothing(assessed_vendor):
    assert residual_risk_recompute() == 1
    row = ResidualRisk.objects.get(vendor=assessed_vendor)
    assert row.rating == 1 and row.score == 33 and row.inputs["not_met"] == 1
    assert residual_risk_recompute() == 0
    assert ResidualRiskChange.objects.filter(vendor=assessed_vendor).count() == 1

    FindingFactory(review__vendor=assessed_vendor, severity="critical")
    assert residual_risk_recompute(vendor_ids=[assessed_vendor.pk]) == 1
    row.refresh_from_db()
    assert row.score == 73
    changes = list(ResidualRiskChange.objects.filter(vendor=assessed_vendor).values_list("from_rating", "to_rating"))
    assert changes == [(1, 1), (None, 1)]


def test_the_api_filters_by_rating_and_score(api, dashboard_user, assessed_vendor):
    VendorFactory(slug="unassessed", tier=3)
    residual_risk_recompute()
    client = api(dashboard_user)
    rows = client.get("/api/v1/residual-risks/", {"rating": 1}).json()["results"]
    assert [(r["vendor"], r["inherent_tier"], r["rating"]) for r in rows] == [("assessed", 1, 1)]
    rows = client.get("/api/v1/residual-risks/", {"min_score": 30}).json()["results"]
    assert [r["vendor"] for r in rows] == ["assessed"]
    assert client.get("/api/v1/residual-risks/", {"rating": 9}).status_code == 400
    dashboard = client.get("/api/v1/dashboard/").json()
    assert dashboard["residual_risk_by_rating"] == {"1": 1, "3": 1}


def test_the_vendor_list_filters_by_residual_rating(api, dashboard_user, assessed_vendor):
    VendorFactory(slug="unassessed", tier=3)
    residual_risk_recompute()
    client = api(dashboard_user)
    rows = client.get("/api/v1/vendors/", {"residual_rating": 1}).json()["results"]
    assert [row["slug"] for row in rows] == ["assessed"]
    assert client.get("/api/v1/vendors/", {"residual_rating": 7}).status_code == 400
