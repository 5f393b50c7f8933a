from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Issue a new API token for a user and print it as the last line. Earlier tokens keep working."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for, shown in Admin › API tokens")

    def handle(self, *args, username, name, **options):
        try:
            token = api_token_create(username=username, name=name)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        self.stdout.write(token)
