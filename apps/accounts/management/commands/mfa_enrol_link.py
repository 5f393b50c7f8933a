from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from apps.accounts.services import mfa_enrolment_link_issue


class Command(BaseCommand):
    help = "Issue a single-use MFA enrolment link for a user (valid MFA_ENROLMENT_LINK_HOURS) and print it last."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--base-url", default="", help="e.g. https://register.example.com (default: a path)")

    def handle(self, *args, username, base_url, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        link, secret = mfa_enrolment_link_issue(user=user, issued_by=None)
        self.stdout.write(f"Valid once, until {link.expires_at:%Y-%m-%d %H:%M} UTC, signed in as {username}:")
        self.stdout.write(base_url.rstrip("/") + reverse("mfa-enrolment-link", args=[secret]))
