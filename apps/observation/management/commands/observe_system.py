"""manage.py observe_system SLUG: crawl one system's pages now and print what the register does not declare."""

from django.core.management.base import BaseCommand, CommandError

from apps.observation import services
from apps.observation.choices import CrawlStatus
from apps.observation.models import ObservationTarget


class Command(BaseCommand):
    help = "Crawl a system's configured pages now, record third-party requests and print the drift findings."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the system's slug")

    def handle(self, *args, slug, **options):
        target = ObservationTarget.objects.select_related("system").filter(system__slug=slug).first()
        if target is None:
            raise CommandError(f"No system “{slug}” is set up for checking (Admin › Observation targets).")
        crawl = services.observe_system(target=target)
        summary = crawl.summary or {}
        self.stdout.write(
            f"{target.system.slug}: {crawl.get_status_display()}, {crawl.pages_visited} pages, "
            f"{crawl.requests_seen} requests, {crawl.third_party_requests} to third parties."
        )
        for code in summary.get("confirmed_flows", []):
            self.stdout.write(f"confirmed flow: {code}")
        for key in summary.get("new_findings", []):
            self.stdout.write(f"new finding: {key}")
        for key in summary.get("findings_seen_again", []):
            self.stdout.write(f"seen again: {key}")
        if crawl.status == CrawlStatus.FAILED:
            raise CommandError(f"The crawl failed: {crawl.error}")
