"""The demo set-up behind `manage.py setup_demo`: reference data, the Mixpanel case and one user per role."""

from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from apps.accounts.roles import ADMINISTRATOR, DASHBOARD, PROCUREMENT, SECURITY_REVIEWER
from apps.accounts.services import api_token_create, demo_user_ensure
from apps.dashboard.services import summaries_rebuild
from apps.risk.compliance import compliance_rebuild

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
DEMO_USERS = (
    ("reviewer", SECURITY_REVIEWER, "reviewer@example.com"),
    # A second reviewer: approvals need four eyes (the requester, or the grantor of an exception, cannot approve).
    ("reviewer2", SECURITY_REVIEWER, "reviewer2@example.com"),
    ("buyer", PROCUREMENT, "buyer@example.com"),
    ("dashboard", DASHBOARD, "dashboard@example.com"),
    # Manages people, roles and tokens at /users/ (and nothing of the register).
    ("admin", ADMINISTRATOR, "admin@example.com"),
)


def fixture_files():
    """Every fixture, in name order: reference data first (0xx), then the cases (1xx)."""
    return sorted(FIXTURES_DIR.glob("*.json"))


def run_app_demo_steps():
    """Each local app may add a `demo.setup()` step (derived data such as tiers or the workflow's state)."""
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("apps.") or app_config.label == "core":
            continue
        try:
            module = import_module(f"{app_config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.demo":
                raise
            continue
        module.setup()
    # Fixtures and some demo steps write rows directly, not through the flow services: bring the dashboard's
    # summary rows (which the tier recompute also reads) and the requirement compliance counts in line with
    # what they wrote.
    summaries_rebuild()
    compliance_rebuild()


@transaction.atomic
def setup_demo():
    """Load the reference data and the case, then create the demo users. Returns [(username, role, password)].

    Idempotent: fixtures carry natural keys, app steps check before they write, and users are looked up
    by name (their passwords are renewed each time, since no password is stored in the code).
    """
    for path in fixture_files():
        call_command("loaddata", str(path), verbosity=0)
    run_app_demo_steps()
    credentials = []
    for username, role, email in DEMO_USERS:
        _, password = demo_user_ensure(username=username, role=role, email=email)
        credentials.append((username, role, password))
    return credentials


def dashboard_token():
    return api_token_create(username="dashboard")
