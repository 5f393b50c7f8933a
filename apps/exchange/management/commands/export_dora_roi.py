"""`manage.py export_dora_roi --reference-date YYYY-MM-DD --output roi.zip [--validate]`.

Writes the register of information as an xBRL-CSV package; with --validate, runs the supervisor's checks and exits
non-zero when any finding remains (each printed as template, row, column, rule). `--check FILE` validates a package
made elsewhere instead.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from apps.exchange.dora.package import read_package, write_package
from apps.exchange.dora.roi import build_roi
from apps.exchange.dora.templates import FRAMEWORK
from apps.exchange.dora.validate import validate_roi


class Command(BaseCommand):
    help = f"Export the DORA register of information (CIR (EU) 2024/2956) as xBRL-CSV; {FRAMEWORK}."

    def add_arguments(self, parser):
        parser.add_argument("--reference-date", help="The register's reference date, YYYY-MM-DD (default: today).")
        parser.add_argument("--output", help="The package to write, e.g. roi.zip.")
        parser.add_argument("--validate", action="store_true", help="Run the checks; exit 1 on any finding.")
        parser.add_argument("--check", metavar="FILE", help="Validate an existing package instead of exporting.")

    def handle(self, *args, reference_date, output, validate, check, **options):
        if check:
            with open(check, "rb") as stream:
                tables = read_package(stream)
            return self._report(validate_roi(tables))
        try:
            day = datetime.date.fromisoformat(reference_date) if reference_date else datetime.date.today()
        except ValueError:
            raise CommandError(f"--reference-date: not a date: {reference_date!r} (use YYYY-MM-DD)") from None
        if not output and not validate:
            raise CommandError("--output: say where to write the package (or ask for --validate only)")
        tables = build_roi(reference_date=day)
        if output:
            with open(output, "wb") as out:
                name = write_package(out, tables, reference_date=day)
            self.stdout.write(f"{output}: {name} ({sum(len(rows) for rows in tables.values())} rows)")
        if validate:
            self._report(validate_roi(tables))
        return None

    def _report(self, findings):
        for finding in findings:
            self.stdout.write(str(finding))
        self.stdout.write(f"{len(findings)} error(s)")
        if findings:
            raise CommandError(f"The register of information has {len(findings)} error(s); the first: {findings[0]}")
