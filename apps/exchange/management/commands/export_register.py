"""`manage.py export_register --format xlsx|csv|json --output FILE`: the whole register, in the import layout."""

import sys

from django.core.management.base import BaseCommand

from apps.exchange.exporter import EXTENSIONS, FORMATS, export_register


class Command(BaseCommand):
    help = "Export the whole register (XLSX workbook, zip of CSVs, or JSON) in the layout import_register reads."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="xlsx")
        parser.add_argument("--output", help="Default: vendorrisk-register.<ext>; '-' writes to stdout.")

    def handle(self, *args, format, output, **options):
        output = output or f"vendorrisk-register.{EXTENSIONS[format]}"
        if output == "-":
            export_register(sys.stdout.buffer, fmt=format)
            return
        with open(output, "wb") as out:
            export_register(out, fmt=format)
        self.stdout.write(output)
