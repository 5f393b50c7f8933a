"""Install our own question bank (about 40 questions, en/fr/es). Running it twice changes nothing."""

from django.core.management.base import BaseCommand

from apps.questionnaires.services import bank_install_standard


class Command(BaseCommand):
    help = "Install the standard vendorrisk question bank (needs the requirements fixture loaded)."

    def handle(self, *args, **options):
        bank = bank_install_standard()
        count = sum(section.questions.count() for section in bank.sections.all())
        self.stdout.write(f"{bank}: {count} questions.")
