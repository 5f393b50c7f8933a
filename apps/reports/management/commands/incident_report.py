from apps.reports.builders import build_incident_report
from apps.reports.selectors import incident_by_reference

from ._report_command import ReportCommand


class Command(ReportCommand):
    help = "Print or write an incident report (json, md, html or csv)."
    subject_help = "the incident's slug or numeric id, e.g. mixpanel-2025-11"

    command_name = "incident_report"

    def build(self, subject, *, lang, generated_by):
        return build_incident_report(incident=incident_by_reference(subject), lang=lang, generated_by=generated_by)
