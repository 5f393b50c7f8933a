import pytest
from django.core.exceptions import ValidationError

from apps.incidents.models import IncidentExposure
from apps.incidents.selectors import exposure_datamap_overrides
from apps.incidents.services import exposure_set
from tests.factories.incidents import IncidentSourceFactory


def test_a_category_the_vendor_received_can_be_marked_exposed(shared_map):
    exposure = exposure_set(
        incident=shared_map["incident"], category=shared_map["email"], status="exposed", source=shared_map["source"]
    )
    assert exposure.status == "exposed"
    assert not exposure_datamap_overrides(incident=shared_map["incident"]).exists()


def test_a_broader_category_than_the_one_shared_counts_as_received(shared_map):
    exposure = exposure_set(
        incident=shared_map["incident"], category=shared_map["contact"], status="suspected", source=shared_map["source"]
    )
    assert exposure.status == "suspected"


@pytest.mark.parametrize("code", ["health", "api_key"])
def test_marking_exposed_a_category_no_flow_ever_sent_needs_an_override_reason(shared_map, code):
    # "health" was never mapped; "api-key" is explicitly not shared: both contradict the data map.
    with pytest.raises(ValidationError) as error:
        exposure_set(
            incident=shared_map["incident"], category=shared_map[code], status="exposed", source=shared_map["source"]
        )
    assert "override_reason" in error.value.message_dict
    assert "No data flow ever sent" in error.value.message_dict["override_reason"][0]
    assert not IncidentExposure.objects.exists()


def test_with_an_override_reason_it_is_recorded_and_flagged_as_contradicting_the_data_map(shared_map):
    exposure = exposure_set(
        incident=shared_map["incident"],
        category=shared_map["api_key"],
        status="suspected",
        source=shared_map["source"],
        override_reason="The vendor's own notice lists keys; our data map may be wrong.",
    )
    assert list(exposure_datamap_overrides(incident=shared_map["incident"])) == [exposure]


def test_not_exposed_needs_no_override(shared_map):
    exposure = exposure_set(
        incident=shared_map["incident"],
        category=shared_map["health"],
        status="not_exposed",
        source=shared_map["source"],
    )
    assert exposure.status == "not_exposed"


def test_setting_again_updates_the_one_row_of_the_category(shared_map):
    incident, email = shared_map["incident"], shared_map["email"]
    exposure_set(incident=incident, category=email, status="suspected", source=shared_map["source"])
    exposure_set(incident=incident, category=email, status="exposed", source=shared_map["source"])
    assert list(incident.exposures.values_list("status", flat=True)) == ["exposed"]


def test_a_source_of_another_incident_is_refused(shared_map):
    foreign = IncidentSourceFactory()
    with pytest.raises(ValidationError) as error:
        exposure_set(incident=shared_map["incident"], category=shared_map["email"], status="exposed", source=foreign)
    assert "source" in error.value.message_dict
    assert not IncidentExposure.objects.exists()


def test_an_unknown_status_is_refused(shared_map):
    with pytest.raises(ValidationError) as error:
        exposure_set(
            incident=shared_map["incident"], category=shared_map["email"], status="leaked", source=shared_map["source"]
        )
    assert "status" in error.value.message_dict


def test_an_exposure_without_a_source_is_refused_and_nothing_is_written(shared_map):
    with pytest.raises(ValidationError) as error:
        exposure_set(incident=shared_map["incident"], category=shared_map["email"], status="exposed", source=None)
    assert "source" in error.value.message_dict
    assert not shared_map["incident"].exposures.exists()
