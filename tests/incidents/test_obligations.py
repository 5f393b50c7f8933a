"""The breach clocks per role and per law (apps.incidents.obligations): met, breached, running, not applicable,
and unknown when the moment that starts them is not recorded."""

import datetime

import pytest

from apps.incidents.models import Incident
from apps.incidents.obligations import OBLIGATIONS, ClockFacts, breach_clocks, incident_clocks

T0 = datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)


def at(hours):
    return T0 + datetime.timedelta(hours=hours)


def clock(code, now=None, **facts):
    clocks = {c.obligation.code: c for c in breach_clocks(ClockFacts(**facts), now=now or at(10_000))}
    return clocks[code]


def test_the_table_declares_each_obligation_once():
    codes = [o.code for o in OBLIGATIONS]
    assert len(codes) == len(set(codes))
    assert {"gdpr-33-1", "gdpr-33-2", "gdpr-34", "dora-19-initial-awareness", "dora-19-final"} <= set(codes)


# --- GDPR Art. 33(1): us (controller) → supervisory authority, 72 h from our awareness


def test_art_33_1_met_within_72_hours_of_awareness():
    c = clock("gdpr-33-1", we_became_aware_at=at(0), sa_notified_at=at(70))
    assert (c.status, c.elapsed_hours, c.limit_hours) == ("met", 70, 72)


def test_art_33_1_breached_when_notified_after_72_hours():
    c = clock("gdpr-33-1", we_became_aware_at=at(0), sa_notified_at=at(73))
    assert c.status == "breached"


def test_art_33_1_running_then_overdue_while_the_authority_is_not_notified():
    assert clock("gdpr-33-1", now=at(10), we_became_aware_at=at(0)).status == "running"
    overdue = clock("gdpr-33-1", now=at(80), we_became_aware_at=at(0))
    assert overdue.status == "breached"
    assert "not recorded" in overdue.reason


def test_art_33_1_says_awareness_not_recorded_rather_than_inventing_it():
    c = clock("gdpr-33-1", vendor_detected_at=at(0), told_at=at(24), sa_notified_at=at(30))
    assert c.status == "unknown"
    assert c.reason == "Our awareness not recorded."
    assert c.started_at is None


def test_art_33_1_does_not_apply_to_a_processor_nor_when_no_risk_is_likely():
    assert clock("gdpr-33-1", our_role="processor", we_became_aware_at=at(0)).status == "not_applicable"
    assert clock("gdpr-33-1", risk_to_individuals="unlikely", we_became_aware_at=at(0)).status == "not_applicable"


# --- GDPR Art. 33(2): vendor (processor) → us, without undue delay, measured against the contract clause


def test_art_33_2_is_measured_against_the_contract_clause():
    facts = {"vendor_detected_at": at(0), "contract_reference": "msa", "contract_clause_hours": 72}
    assert clock("gdpr-33-2", told_at=at(48), **facts).status == "met"
    late = clock("gdpr-33-2", told_at=at(384), **facts)
    assert (late.status, late.elapsed_hours, late.limit_hours) == ("breached", 384, 72)
    assert "contract msa" in late.reason
    assert clock("gdpr-33-2", now=at(10), **facts).status == "running"


def test_art_33_2_without_a_clause_has_no_hours_to_breach():
    c = clock("gdpr-33-2", vendor_detected_at=at(0), told_at=at(384))
    assert c.status == "met"
    assert c.limit_hours is None
    assert "No contract clause" in c.reason


def test_art_33_2_unknown_without_the_vendors_detection():
    assert clock("gdpr-33-2", told_at=at(10), contract_clause_hours=72).status == "unknown"


# --- GDPR Art. 34: us → data subjects, without undue delay, only on a high risk


def test_art_34_applies_only_to_a_high_risk():
    assert clock("gdpr-34", risk_to_individuals="risk", we_became_aware_at=at(0)).status == "not_applicable"
    unassessed = clock("gdpr-34", we_became_aware_at=at(0))
    assert unassessed.status == "unknown"
    assert "not yet assessed" in unassessed.reason


def test_art_34_running_then_met_once_subjects_are_notified():
    high = {"risk_to_individuals": "high", "we_became_aware_at": at(0)}
    assert clock("gdpr-34", **high).status == "running"
    assert clock("gdpr-34", subjects_notified_at=at(30), **high).status == "met"
    assert clock("gdpr-34", risk_to_individuals="high").reason == "Our awareness not recorded."


# --- DORA Art. 19: financial entities, major ICT-related incidents


def dora(**facts):
    return {"financial_entity": True, "dora_major_classified_at": at(2), "we_became_aware_at": at(0), **facts}


def test_dora_does_not_apply_to_an_organisation_that_is_not_a_financial_entity():
    c = clock("dora-19-initial-awareness", **dora(financial_entity=False))
    assert c.status == "not_applicable"
    assert "financial entities" in c.reason


def test_dora_does_not_apply_to_an_incident_not_classified_major():
    assert clock("dora-19-initial-classification", **dora(dora_major_classified_at=None)).status == "not_applicable"


def test_dora_initial_notification_within_4_hours_of_classification_and_24_of_awareness():
    on_time = dora(dora_initial_notified_at=at(5))
    assert clock("dora-19-initial-classification", **on_time).status == "met"
    assert clock("dora-19-initial-awareness", **on_time).status == "met"
    late = dora(dora_initial_notified_at=at(7))
    assert clock("dora-19-initial-classification", **late).status == "breached"
    assert clock("dora-19-initial-awareness", **late).status == "met"
    assert clock("dora-19-initial-awareness", now=at(25), **dora()).status == "breached"


def test_dora_intermediate_within_72_hours_and_final_within_one_calendar_month():
    facts = dora(dora_initial_notified_at=at(3), dora_intermediate_reported_at=at(80))
    assert clock("dora-19-intermediate", **facts).status == "breached"
    intermediate = datetime.datetime(2025, 1, 31, tzinfo=datetime.UTC)
    running = clock("dora-19-final", now=intermediate, **{**facts, "dora_intermediate_reported_at": intermediate})
    assert running.status == "running"
    assert running.deadline == datetime.datetime(2025, 2, 28, tzinfo=datetime.UTC)


# --- the Mixpanel case


@pytest.fixture
def mixpanel(demo_data):
    return Incident.objects.select_related("vendor").get(slug="mixpanel-2025-11")


def test_mixpanel_vendor_clock_breached_and_our_awareness_not_recorded(mixpanel):
    clocks = {c.obligation.code: c for c in incident_clocks(mixpanel)}
    vendor = clocks["gdpr-33-2"]
    assert (vendor.status, vendor.elapsed_hours, vendor.limit_hours) == ("breached", 384, 72)
    assert "mixpanel-msa" in vendor.reason
    authority = clocks["gdpr-33-1"]
    assert authority.status == "unknown"
    assert authority.reason == "Our awareness not recorded."
    assert clocks["dora-19-initial-awareness"].status == "not_applicable"


# --- the moments' sources


def test_a_moment_cites_one_of_the_incidents_own_sources(db):
    from django.core.exceptions import ValidationError

    from apps.incidents.services import incident_update
    from tests.factories.incidents import IncidentFactory, IncidentSourceFactory

    incident = IncidentFactory()
    own = IncidentSourceFactory(incident=incident)
    foreign = IncidentSourceFactory()
    with pytest.raises(ValidationError) as error:
        incident_update(incident=incident, vendor_detected_source=foreign)
    assert "vendor_detected_source" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        incident_update(incident=incident, we_became_aware_source=own)  # no awareness time recorded
    assert "we_became_aware_source" in error.value.message_dict
    incident, _ = incident_update(incident=incident, vendor_detected_source=own)
    assert incident.vendor_detected_source == own
