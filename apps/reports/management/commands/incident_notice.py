from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.reports.notices import NOTICE_LANGUAGES, NoticeNotApproved, render_notice
from apps.reports.responses import notice_language
from apps.reports.selectors import ReportSubjectNotFound, incident_by_reference

from ._report_command import command_error


class Command(BaseCommand):
    help = "Print the notice to the users affected by an incident, in English, French or Spanish."

    def add_arguments(self, parser):
        parser.add_argument("incident", help="the incident's slug or numeric id, e.g. mixpanel-2025-11")
        parser.add_argument("--lang", default="en", help=f"one of {', '.join(NOTICE_LANGUAGES)} (default en)")
        parser.add_argument(
            "--final", action="store_true", help="the approved notice, unmarked; refused until a reviewer approves it"
        )

    def handle(self, *args, incident, lang, final=False, **options):
        try:
            lang = notice_language(lang)
            text = render_notice(incident=incident_by_reference(incident), lang=lang, final=final)
        except NoticeNotApproved as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise command_error(exc) from None
        except ReportSubjectNotFound as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(text, ending="")
