from django.core.management.base import BaseCommand, CommandError

from apps.reports.notices import NOTICE_LANGUAGES, UnknownLanguage, render_notice
from apps.reports.selectors import ReportSubjectNotFound, incident_by_reference


class Command(BaseCommand):
    help = "Print the draft notice to the users affected by an incident, in English, French or Spanish."

    def add_arguments(self, parser):
        parser.add_argument("incident", help="the incident's slug or numeric id, e.g. mixpanel-2025-11")
        parser.add_argument("--lang", default="en", help=f"one of {', '.join(NOTICE_LANGUAGES)} (default en)")

    def handle(self, *args, incident, lang, **options):
        if lang not in NOTICE_LANGUAGES:
            raise CommandError(f"unknown language {lang!r}: choose one of {', '.join(NOTICE_LANGUAGES)}")
        try:
            text = render_notice(incident=incident_by_reference(incident), lang=lang)
        except (ReportSubjectNotFound, UnknownLanguage) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(text, ending="")
