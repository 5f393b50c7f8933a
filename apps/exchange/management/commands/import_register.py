"""`manage.py import_register FILE [--apply] [--user NAME] [--json]`: a dry run unless --apply; errors exit non-zero."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.exchange.importer import UnreadableFile, import_register


class Command(BaseCommand):
    help = "Import vendors, services, contracts, flows… from an XLSX workbook, a zip of CSVs or a CSV (dry run first)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--apply", action="store_true", help="Write the rows (all or nothing). Default: dry run.")
        parser.add_argument("--user", help="Username recorded in the audit history as the author of the writes.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, file, apply, user, json: bool, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"--user: no user named {user!r}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"file: {file} does not exist")
        try:
            with path.open("rb") as stream:
                report = import_register(stream=stream, filename=path.name, actor=actor, apply=apply)
        except UnreadableFile as error:
            raise CommandError(f"file: {error}") from None
        if json:
            self.stdout.write(_json(report.as_dict()))
        else:
            self._print(report, apply)
        if not report.ok:
            first = report.errors[0]
            raise CommandError(f"{report.error_count} error(s), nothing written; first: {first}")

    def _print(self, report, apply):
        mode = "applied" if report.applied else "dry run, nothing written"
        self.stdout.write(f"Import ({mode}):")
        for name, sheet in report.sheets.items():
            self.stdout.write(
                f"  {name}: {sheet.created} to create, {sheet.changed} to change, {sheet.unchanged} unchanged"
            )
        for error in report.errors:
            self.stderr.write(f"  error: {error}")
        if report.ok and not apply:
            self.stdout.write("Run again with --apply to write it.")


def _json(data):
    return json.dumps(data, indent=2)
