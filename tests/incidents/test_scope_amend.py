import pytest
from django.core.exceptions import ValidationError

from apps.incidents.models import ScopeAmendment
from apps.incidents.selectors import scope_versions
from apps.incidents.services import exposure_set, scope_amend
from tests.factories.datamap import DataFlowFactory, SystemFactory


@pytest.fixture
def disclosed(shared_map):
    incident = shared_map["incident"]
    incident.data_subjects = ["API users"]
    incident.save()
    incident.affected_flows.add(shared_map["flow"])
    exposure_set(incident=incident, category=shared_map["email"], status="suspected", source=shared_map["source"])
    return shared_map


def test_an_amendment_is_version_n_plus_1_and_the_first_disclosure_stays_readable(disclosed, reviewer):
    incident = disclosed["incident"]
    new_system = SystemFactory(slug="billing-portal")
    first = scope_amend(
        incident=incident,
        changes={
            "exposures": [{"category": disclosed["email"], "status": "exposed", "source": disclosed["source"]}],
            "data_subjects_add": ["organisation admins"],
            "systems_add": [new_system],
        },
        reason="The vendor's second notice confirms e-mail addresses and adds admins.",
        actor=reviewer,
    )
    assert first.version == 1
    assert first.changes == {
        "exposures": [{"category": "email-address", "from": "suspected", "to": "exposed"}],
        "data_subjects": {"added": ["organisation admins"], "removed": []},
        "systems": {"added": ["billing-portal"], "removed": []},
    }
    assert first.scope_snapshot["exposures"]["exposed"] == ["email-address"]
    assert first.scope_snapshot["data_subjects"] == ["API users", "organisation admins"]

    second = scope_amend(
        incident=incident,
        changes={"data_subjects_remove": ["organisation admins"]},
        reason="Admins were not affected after all.",
        actor=reviewer,
    )
    assert second.version == 2

    versions = scope_versions(incident=incident)
    assert [v["version"] for v in versions] == [0, 1, 2]
    assert versions[0]["scope"]["exposures"]["suspected"] == ["email-address"]
    assert versions[0]["scope"]["data_subjects"] == ["API users"]
    assert versions[1]["scope"]["data_subjects"] == ["API users", "organisation admins"]
    assert versions[2]["scope"]["data_subjects"] == ["API users"]
    assert versions[2]["recorded_by"] == "reviewer"


def test_a_refused_exposure_writes_nothing_of_the_amendment(disclosed, reviewer):
    incident = disclosed["incident"]
    with pytest.raises(ValidationError) as error:
        scope_amend(
            incident=incident,
            changes={
                "data_subjects_add": ["employees"],
                "exposures": [{"category": disclosed["health"], "status": "exposed", "source": disclosed["source"]}],
            },
            reason="Rumour of health data.",
            actor=reviewer,
        )
    assert "override_reason" in error.value.message_dict
    incident.refresh_from_db()
    assert incident.data_subjects == ["API users"]
    assert not ScopeAmendment.objects.exists()
    assert not incident.exposures.filter(category=disclosed["health"]).exists()


@pytest.mark.parametrize(
    ("changes", "reason", "field"),
    [
        ({"data_subjects_add": ["x"]}, "  ", "reason"),
        ({}, "Nothing", "changes"),
        ({"colour": ["red"]}, "Unknown key", "changes"),
        ({"data_subjects_add": ["API users"]}, "Already there", "changes"),
    ],
)
def test_bad_amendments_are_refused_naming_the_field(disclosed, reviewer, changes, reason, field):
    with pytest.raises(ValidationError) as error:
        scope_amend(incident=disclosed["incident"], changes=changes, reason=reason, actor=reviewer)
    assert field in error.value.message_dict
    assert not ScopeAmendment.objects.exists()


def test_a_flow_of_another_vendor_cannot_enter_the_scope(disclosed, reviewer):
    with pytest.raises(ValidationError) as error:
        scope_amend(
            incident=disclosed["incident"], changes={"flows_add": [DataFlowFactory()]}, reason="x", actor=reviewer
        )
    assert "affected_flows" in error.value.message_dict
