import contextlib
import io
import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.core.demo import dashboard_token, setup_demo

# Loggers that narrate every eager task and email while the demo is built: useful in a worker, noise here.
# kombu warns that no broker host is set: without CELERY_BROKER_URL, tasks run eagerly, as intended here.
QUIET_LOGGERS = {
    "celery": logging.WARNING,
    "apps": logging.WARNING,
    "vendorrisk": logging.WARNING,
    "kombu": logging.ERROR,
}


@contextlib.contextmanager
def quiet_logging():
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger, quiet_level in zip(loggers, QUIET_LOGGERS.values(), strict=True):
        logger.setLevel(quiet_level)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = "Load reference data and the Mixpanel case, and create the demo users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--show-emails", action="store_true", help="Print the demo's notification emails.")

    def handle(self, *args, **options):
        captured = io.StringIO()
        # The console email backend writes to sys.stdout: the demo's ~100 lines of mail would bury the credentials.
        redirect = contextlib.nullcontext() if options["show_emails"] else contextlib.redirect_stdout(captured)
        with redirect, quiet_logging():
            credentials = setup_demo()
            token = dashboard_token()
        mails = captured.getvalue().count("\nSubject: ") + captured.getvalue().startswith("Subject: ")
        if mails:
            self.stdout.write(f"({mails} demo notification emails not shown; --show-emails prints them.)")
        site = settings.SITE_URL
        self.stdout.write("")
        self.stdout.write(f"Workspace (dashboard):  {site}/")
        self.stdout.write(f"Admin:                  {site}/admin/")
        self.stdout.write(f"Vendor requests:        {site}/intake/")
        self.stdout.write(f"API docs:               {site}/api/docs/")
        self.stdout.write("Demo users (passwords are new on every run):")
        for username, role, password in credentials:
            self.stdout.write(f"  {role:<18} username: {username:<10} password: {password}")
        self.stdout.write(f"  dashboard API token: {token}")
