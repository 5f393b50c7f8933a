"""`manage.py import_template [--output FILE] [--format xlsx|csv]`: the empty workbook to fill in, a sheet per kind."""

from django.core.management.base import BaseCommand

from apps.exchange.exporter import EXTENSIONS, export_register


class Command(BaseCommand):
    help = "Write the import template: the sheets and columns the import reads (a _readme sheet says what each holds)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Default: vendorrisk-import-template.xlsx (or .zip for csv).")
        parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")

    def handle(self, *args, output, format, **options):
        output = output or f"vendorrisk-import-template.{EXTENSIONS[format]}"
        with open(output, "wb") as out:
            export_register(out, fmt=format, empty=True)
        self.stdout.write(output)
