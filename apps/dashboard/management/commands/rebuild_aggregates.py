"""manage.py rebuild_aggregates: recompute the dashboard's summary rows from the register and say what changed."""

from django.core.management.base import BaseCommand

from apps.dashboard.services import summaries_rebuild
from apps.risk.compliance import compliance_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the dashboard's summary rows (per vendor, per category, requirement compliance per tier) from the "
        "register; repairs drift."
    )

    def handle(self, *args, **options):
        report = summaries_rebuild()
        self.stdout.write(
            f"Vendor summaries: {report.summaries_created} created, {report.summaries_fixed} fixed, "
            f"{report.summaries_removed} removed. Category and mechanism counts fixed: {report.counts_fixed}."
        )
        compliance = compliance_rebuild()
        self.stdout.write(
            f"Requirement compliance: {compliance.vendors_fixed} vendor counts fixed, "
            f"{compliance.counts_fixed} tier counts fixed."
        )
        changed = report.changed + compliance.changed
        self.stdout.write("Nothing to repair." if not changed else f"{changed} rows repaired.")
