"""manage.py rebuild_aggregates: recompute the dashboard's summary rows from the register and say what changed."""

from django.core.management.base import BaseCommand

from apps.dashboard.services import summaries_rebuild


class Command(BaseCommand):
    help = "Recompute the dashboard's summary rows (per vendor, per category) from the register; repairs drift."

    def handle(self, *args, **options):
        report = summaries_rebuild()
        self.stdout.write(
            f"Vendor summaries: {report.summaries_created} created, {report.summaries_fixed} fixed, "
            f"{report.summaries_removed} removed. Category and mechanism counts fixed: {report.counts_fixed}."
        )
        self.stdout.write("Nothing to repair." if not report.changed else f"{report.changed} rows repaired.")
