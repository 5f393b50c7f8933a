"""The tier rule, across its inputs (apps.risk.tiering.compute_tier is pure: no database)."""

import pytest

from apps.datamap.choices import Sensitivity
from apps.risk.tiering import HIGH_VOLUME_RECORDS, TierInputs, compute_tier
from apps.vendors.choices import Criticality


def test_a_vendor_that_receives_nothing_is_tier_4_and_says_why():
    result = compute_tier(TierInputs())
    assert result.tier == 4
    assert result.reasons == ["nothing raised the tier: low by default"]


@pytest.mark.parametrize(
    ("sensitivity", "tier"),
    [(Sensitivity.LOW, 4), (Sensitivity.MEDIUM, 3), (Sensitivity.HIGH, 2), (Sensitivity.CRITICAL, 1)],
)
def test_the_most_sensitive_category_received_sets_a_floor(sensitivity, tier):
    result = compute_tier(TierInputs(max_sensitivity=sensitivity))
    assert result.tier == tier
    assert any("sensitivity" in reason for reason in result.reasons)


@pytest.mark.parametrize(
    ("criticality", "tier"),
    [(Criticality.LOW, 4), (Criticality.MEDIUM, 3), (Criticality.HIGH, 2), (Criticality.CRITICAL, 1)],
)
def test_business_criticality_sets_a_floor(criticality, tier):
    assert compute_tier(TierInputs(business_criticality=criticality)).tier == tier


@pytest.mark.parametrize("flag", ["production_access", "handles_secrets"])
def test_production_access_or_secrets_make_a_vendor_critical_whatever_it_receives(flag):
    result = compute_tier(TierInputs(max_sensitivity=Sensitivity.LOW, **{flag: True}))
    assert result.tier == 1


def test_client_side_code_in_our_pages_is_at_least_tier_2_even_with_low_data():
    result = compute_tier(TierInputs(max_sensitivity=Sensitivity.LOW, client_side_sdk=True))
    assert result.tier == 2
    assert result.reasons == ["its code runs in our web pages (client-side SDK)"]


def test_the_most_severe_floor_wins_and_lists_every_reason_at_that_level():
    result = compute_tier(
        TierInputs(max_sensitivity=Sensitivity.HIGH, client_side_sdk=True, business_criticality=Criticality.LOW)
    )
    assert result.tier == 2
    assert len(result.reasons) == 2


def test_high_volume_raises_the_tier_by_one():
    below = compute_tier(TierInputs(max_sensitivity=Sensitivity.MEDIUM, estimated_records=HIGH_VOLUME_RECORDS - 1))
    at = compute_tier(TierInputs(max_sensitivity=Sensitivity.MEDIUM, estimated_records=HIGH_VOLUME_RECORDS))
    assert below.tier == 3
    assert at.tier == 2
    assert "records" in at.reasons[-1]


def test_volume_never_raises_above_tier_1_nor_without_data_received():
    assert compute_tier(TierInputs(production_access=True, max_sensitivity=4, estimated_records=10**9)).tier == 1
    assert compute_tier(TierInputs(estimated_records=10**9)).tier == 4


def test_the_result_carries_its_inputs():
    inputs = TierInputs(max_sensitivity=Sensitivity.MEDIUM, categories=("email-address",))
    result = compute_tier(inputs)
    assert result.inputs is inputs
    assert result.inputs.as_dict()["categories"] == ["email-address"]
