"""Import a question bank from CSV or XLSX (CAIQ v4 layout or the generic one). All or nothing."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.core.admin import refusal_text
from apps.questionnaires.importing import parse_bank_file
from apps.questionnaires.services import bank_create


class Command(BaseCommand):
    help = "Import a question bank: manage.py questionnaire_bank_import FILE --slug caiq-v4 --name 'CAIQ v4'"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)

    def handle(self, *args, path, slug, name, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            questions = parse_bank_file(name=file.name, data=file.read_bytes())
            bank = bank_create(slug=slug, name=name, questions=questions, source=f"import of {file.name}")
        except ValidationError as error:
            raise CommandError(refusal_text(error)) from error
        self.stdout.write(f"{bank}: {len(questions)} questions imported.")
