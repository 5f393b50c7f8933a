"""What the dataflow_report and incident_report commands share: the format option and the safe output."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.reports.output import write_atomically
from apps.reports.renderers import FORMATS
from apps.reports.responses import report_body, report_format, report_language
from apps.reports.selectors import ReportSubjectNotFound


def command_error(exc: ValidationError) -> CommandError:
    """The one-line message of a ValidationError raised by apps.reports.responses."""
    return CommandError(next(iter(exc.message_dict.values()))[0])


class ReportCommand(BaseCommand):
    subject_help = ""

    def add_arguments(self, parser):
        parser.add_argument("subject", help=self.subject_help)
        # Checked in handle(), not with argparse choices, so a bad format is one line like every other error.
        parser.add_argument("--format", default="json", help=f"one of {', '.join(FORMATS)} (default json)")
        parser.add_argument("--lang", default="en", help="label language: en, fr or es (default en)")
        parser.add_argument("--output", help="file to write (default: standard output); written only on success")

    def build(self, subject, *, lang, generated_by):
        raise NotImplementedError

    def handle(self, *args, subject, **options):
        try:
            fmt = report_format(options["format"])
            lang = report_language(options.get("lang"))
            # A command has no signed-in user: the report says it came from the command line.
            report = self.build(subject, lang=lang, generated_by=f"manage.py {self.command_name}")
        except ValidationError as exc:
            raise command_error(exc) from None
        except ReportSubjectNotFound as exc:
            raise CommandError(str(exc)) from None
        body = report_body(report, fmt)
        if options["output"]:
            try:
                write_atomically(options["output"], body.chunks)
            except OSError as exc:
                raise CommandError(f"cannot write {options['output']}: {exc.strerror or exc}") from None
            self.stderr.write(f"wrote {options['output']}")
        else:
            for chunk in body.chunks:
                self.stdout.write(chunk, ending="")
