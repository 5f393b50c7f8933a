"""Reports a regulator can read (issue 16): provenance, sources by title, affected systems and records from the
flows, every label in the report's language, and a print stylesheet."""

import datetime
import json
import re

import pytest
from django.core.management import call_command

from apps.reports.builders import build_incident_report
from apps.reports.labels import INCIDENT_LABELS
from apps.reports.renderers import REPORT_STYLE, render
from apps.reports.services import notice_approve
from tests.factories.datamap import DataFlowFactory
from tests.factories.incidents import IncidentFactory

NOW = datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)


def test_provenance_says_when_by_whom_and_as_of_when(mixpanel, reviewer):
    _, incident = mixpanel
    notice_approve(incident=incident, lang="en", approver=reviewer)
    provenance = build_incident_report(incident=incident, generated_by="reviewer", now=NOW)["provenance"]
    assert provenance["generated_at"] == NOW.isoformat()
    assert provenance["generated_by"] == "reviewer"
    assert provenance["register_as_of"] <= NOW.isoformat()
    assert [(a["lang"], a["approved_by"]) for a in provenance["notice_approvals"]] == [("en", "reviewer")]


def test_affected_systems_and_records_come_from_the_flows_in_scope(db):
    flow = DataFlowFactory(system__name="Console", estimated_records=1200)
    incident = IncidentFactory(vendor=flow.vendor)
    incident.affected_flows.set([flow])  # no system recorded on the incident itself
    report = build_incident_report(incident=incident)
    assert [s["name"] for s in report["affected_systems"]] == ["Console"]
    assert report["affected_records"] == {
        "incident_estimate": None,
        "flows_estimate": 1200,
        "flows_without_estimate": 0,
    }
    assert "- Affected systems: Console" in render(report, "md")[0]


def test_incident_report_in_french_throughout(mixpanel, capsys):
    call_command("incident_report", "mixpanel-2025-11", "--format", "md", "--lang", "fr")
    text = capsys.readouterr().out
    english = [str(label) for label in INCIDENT_LABELS.values()]
    headings = re.findall(r"^#+ ([^:\n]+)", text, flags=re.M)
    assert headings and not set(headings) & set(english) - {"Provenance", "Sources"}
    for word in (
        "Délais de notification",
        "Notre prise de connaissance : non enregistré.",
        "DÉPASSÉ",
        "RGPD",
        "Exposé",
    ):
        assert word in text, word
    for english_word in ("Exposure by category", "not recorded", "BREACHED", "Vendor detected", "Exposed |"):
        assert english_word not in text, english_word
    assert "Adresse e-mail" in text  # category names too


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_report_label_is_translated(lang):
    from django.utils import translation

    with translation.override("en"):
        english = {key: str(label) for key, label in INCIDENT_LABELS.items()}
    with translation.override(lang):
        untranslated = [key for key, label in INCIDENT_LABELS.items() if str(label) == english[key] and key not in SAME]
    assert not untranslated


# Words that read the same in French and Spanish as in English.
SAME = {"provenance", "sources", "code", "source", "note", "moment", "hours", "obligation", "verdict", "no"}


def test_report_json_keeps_its_schema_version_and_language(mixpanel):
    _, incident = mixpanel
    report = json.loads(render(build_incident_report(incident=incident, lang="es"), "json")[0])
    assert (report["schema_version"], report["lang"]) == ("2.0", "es")


def test_print_stylesheet_makes_a_clean_pdf():
    assert "@media print" in REPORT_STYLE and "@page" in REPORT_STYLE


def test_lang_is_checked_at_every_door(mixpanel, client, reviewer):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="unknown language 'de'"):
        call_command("incident_report", "mixpanel-2025-11", "--lang", "de")
    client.force_login(reviewer)
    response = client.get("/admin/reports/incidents/mixpanel-2025-11/", {"lang": "de"})
    assert response.status_code == 400 and b"lang" in response.content
    french = client.get("/admin/reports/incidents/mixpanel-2025-11/", {"lang": "fr"})
    assert '<html lang="fr">' in french.content.decode()


def test_dataflow_report_labels_in_spanish(mixpanel, capsys):
    for fmt in ("md", "html"):
        call_command("dataflow_report", "mixpanel", "--format", fmt, "--lang", "es")
        text = capsys.readouterr().out
        assert "Informe de flujos de datos" in text and "Subencargados" in text and "Generado por" in text
        for english in ("Data-flow report", "Subprocessors", "Contract terms", "Explicitly not shared"):
            assert english not in text, (fmt, english)
