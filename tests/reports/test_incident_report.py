import csv
import datetime
import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings

from apps.incidents.services import scope_amend
from apps.reports.builders import build_incident_report
from apps.reports.renderers import render
from tests.factories.incidents import IncidentFactory
from tests.factories.vendors import ContractFactory

from .conftest import NOT_SHARED, SHARED


def test_notification_delay_384_hours_breaches_the_72_hour_clause(mixpanel):
    _, incident = mixpanel
    notification = build_incident_report(incident=incident)["notification"]

    assert notification["vendor_detected_at"].startswith("2025-11-09")
    assert notification["delay_hours"] == 384
    assert notification["contract_clause_hours"] == 72
    assert notification["contract_breached"] is True
    # A processor owes its controller "without undue delay" (GDPR Art. 33(2)): the contract clause is the measure,
    # not the controller's own 72 hours.
    assert "gdpr_hours" not in notification
    clocks = {c["code"]: c for c in build_incident_report(incident=incident)["clocks"]}
    assert (clocks["gdpr-33-2"]["status"], clocks["gdpr-33-2"]["limit_hours"]) == ("breached", 72)
    assert clocks["gdpr-33-1"]["status"] == "unknown"
    assert clocks["gdpr-33-1"]["reason"] == "Our awareness not recorded."


def test_a_vendor_on_time_is_not_breached(db):
    incident = IncidentFactory()
    ContractFactory(vendor=incident.vendor, breach_notification_hours=720)
    notification = build_incident_report(incident=incident)["notification"]
    assert notification["delay_hours"] == 384
    assert notification["contract_breached"] is False


def test_conflicts_from_press_001_are_shown_with_the_source_that_contradicts_them(mixpanel):
    _, incident = mixpanel
    conflicts = build_incident_report(incident=incident)["conflicts"]

    from_press = [c for c in conflicts if c["source"]["key"] == "press-001"]
    assert from_press, "the low-reliability article contradicts the official notice"
    assert {c["contradicted_by"]["source"]["key"] for c in from_press} <= {"official-notice", "secondary-explainer"}
    about_api_keys = [c for c in from_press if (c["category"] or {}).get("code") == "api-key"]
    assert about_api_keys and about_api_keys[0]["contradicted_by"]["source"]["key"] == "official-notice"
    assert all(c["claim"] and c["contradicted_by"]["statement"] for c in conflicts)


def test_exposure_timeline_actions_and_recommendations(mixpanel):
    _, incident = mixpanel
    report = build_incident_report(incident=incident)

    assert report["incident"]["title"]
    assert report["vendor"]["name"] == "Mixpanel"
    assert {c["code"] for c in report["exposure"]["exposed"]} == set(SHARED)
    assert set(NOT_SHARED) <= {c["code"] for c in report["exposure"]["not_exposed"]}
    assert report["exposure"]["suspected"] == [] and report["exposure"]["unknown"] == []
    assert report["exposure"]["exposed"][0]["source"]["key"] == "official-notice"
    dates = [event["occurred_at"][:10] for event in report["timeline"] if event["occurred_at"]]
    assert {"2025-11-09", "2025-11-25"} <= set(dates)
    assert dates == sorted(dates)
    assert "remove_from_production" in {a["kind"] for a in report["actions"]}
    assert report["recommendations"]
    assert [s["name"] for s in report["affected_systems"]] == ["API console front end"]
    assert [f["code"] for f in report["flows"]] == ["platform-console-to-mixpanel"]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_readable_formats_show_the_delay_the_conflicts_and_the_actions(mixpanel, fmt):
    _, incident = mixpanel
    report = build_incident_report(incident=incident)
    text, _ = render(report, fmt)
    assert "384 h" in text and "72 h" in text
    assert ("BREACHED" if fmt == "md" else "breached") in text
    # Sources by title and reliability, never by their internal keys.
    for source in report["sources"]:
        assert source["title"].replace("'", "") in text.replace("&#x27;", "'").replace("'", "").replace("\\", "")
    assert "press-001" not in text and "official-notice" not in text
    assert "Our awareness not recorded." in text
    for action in report["actions"]:
        assert action["description"] in text.replace("&#x27;", "'")


def test_csv_has_one_row_per_exposure(mixpanel):
    _, incident = mixpanel
    report = build_incident_report(incident=incident)
    rows = list(csv.DictReader(io.StringIO(render(report, "csv")[0])))
    assert len(rows) == sum(len(items) for items in report["exposure"].values())
    assert {r["category_code"] for r in rows if r["exposure"] == "exposed"} == set(SHARED)


def test_json_is_stable_and_versioned(mixpanel):
    _, incident = mixpanel
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    first = render(build_incident_report(incident=incident, now=now), "json")[0]
    second = render(build_incident_report(incident=incident, now=now), "json")[0]
    assert first == second
    assert json.loads(first)["schema_version"] == "2.0"


def test_every_scope_version_shows_in_every_format(reviewer):
    incident = IncidentFactory(data_subjects=["API users"])
    scope_amend(incident=incident, changes={"data_subjects_add": ["Admins"]}, reason="Second notice", actor=reviewer)
    report = build_incident_report(incident=incident)
    assert [(a["version"], a["scope"]["data_subjects"]) for a in report["amendments"]] == [
        (0, ["API users"]),
        (1, ["API users", "Admins"]),
    ]
    schema = json.loads((Path(settings.BASE_DIR) / "apps" / "reports" / "schema.json").read_text())
    jsonschema.validate(json.loads(render(report, "json")[0]), schema)
    for fmt in ("md", "html"):
        text = render(report, fmt)[0]
        text = text.decode() if isinstance(text, bytes) else text
        assert "Scope as first recorded." in text and "Second notice" in text
        assert "data subjects: API users, Admins" in text
        assert "data subjects: API users<" in text or "data subjects: API users\n" in text
