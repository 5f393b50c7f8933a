"""What the dataflow_report and incident_report commands share: the format option and the safe output."""

from django.core.management.base import BaseCommand, CommandError

from apps.reports.output import write_atomically
from apps.reports.renderers import FORMATS, render
from apps.reports.selectors import ReportSubjectNotFound


class ReportCommand(BaseCommand):
    subject_help = ""

    def add_arguments(self, parser):
        parser.add_argument("subject", help=self.subject_help)
        # Checked in handle(), not with argparse choices, so a bad format is one line like every other error.
        parser.add_argument("--format", default="json", help=f"one of {', '.join(FORMATS)} (default json)")
        parser.add_argument("--output", help="file to write (default: standard output); written only on success")

    def build(self, subject):
        raise NotImplementedError

    def handle(self, *args, subject, **options):
        fmt = options["format"]
        if fmt not in FORMATS:
            raise CommandError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
        try:
            report = self.build(subject)
        except ReportSubjectNotFound as exc:
            raise CommandError(str(exc)) from None
        text, _ = render(report, fmt)
        if options["output"]:
            try:
                write_atomically(options["output"], text)
            except OSError as exc:
                raise CommandError(f"cannot write {options['output']}: {exc.strerror or exc}") from None
            self.stderr.write(f"wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
