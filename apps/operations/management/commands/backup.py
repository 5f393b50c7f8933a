"""`manage.py backup --output DIR`: the database (pg_dump custom format) and the evidence files, with a manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.operations.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the PostgreSQL database and the evidence files into a new directory, with a SHA-256 manifest."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="a new or empty directory")
        parser.add_argument("--database", default="default")

    def handle(self, *args, output, database, **options):
        try:
            manifest = backup(output=output, alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            f"backup: {output}: database {manifest['database']['size']} bytes ({rows} rows in "
            f"{len(manifest['row_counts'])} tables), {len(manifest['files'])} evidence files"
        )
