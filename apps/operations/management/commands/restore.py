"""`manage.py restore DIR`: a backup into an empty database and storage, checked against its manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an empty database and an empty evidence storage."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory, database, **options):
        try:
            manifest = restore(directory=directory, alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restore: {directory}: {len(manifest['row_counts'])} tables and {len(manifest['files'])} evidence "
            "files restored; row counts and hashes match the manifest"
        )
