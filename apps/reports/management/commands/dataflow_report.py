from apps.reports.builders import build_dataflow_report
from apps.reports.selectors import vendor_by_slug

from ._report_command import ReportCommand


class Command(ReportCommand):
    help = "Print or write a vendor's data-flow report (json, md, html or csv)."
    subject_help = "the vendor's slug, e.g. mixpanel"

    command_name = "dataflow_report"

    def build(self, subject, *, lang, generated_by):
        return build_dataflow_report(vendor=vendor_by_slug(subject), lang=lang, generated_by=generated_by, stream=True)
