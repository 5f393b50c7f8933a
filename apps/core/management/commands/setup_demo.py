from django.core.management.base import BaseCommand

from apps.core.demo import dashboard_token, setup_demo


class Command(BaseCommand):
    help = "Load reference data and the Mixpanel case, and create one demo user per role (idempotent)."

    def handle(self, *args, **options):
        credentials = setup_demo()
        self.stdout.write("Demo users (passwords are new on every run):")
        for username, role, password in credentials:
            self.stdout.write(f"  {role:<18} username: {username:<10} password: {password}")
        self.stdout.write(f"  dashboard API token: {dashboard_token()}")
