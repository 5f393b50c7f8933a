"""The Mixpanel case for the report tests.

`demo_data` loads the case from fixtures/100_mixpanel_datamap.json (issue 3) and 110_mixpanel_incident.json
(issue 4), then runs the apps' demo steps (issue 5: tier, incident review, offboarding).
"""

import io

import pytest

from apps.incidents.models import Incident
from apps.vendors.models import Vendor

SHARED = ("name", "email-address", "approximate-location", "user-agent", "referring-website", "account-identifiers")
NOT_SHARED = (
    "conversations",
    "api-requests-responses",
    "api-usage-data",
    "password",
    "api-key",
    "session-token",
    "authentication-secrets",
    "payment-card",
    "official-id",
)


@pytest.fixture
def mixpanel(demo_data):
    """(vendor, incident) of the Mixpanel case as `setup_demo` loads it."""
    return Vendor.objects.get(slug="mixpanel"), Incident.objects.get(slug="mixpanel-2025-11")


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The .mo files are built, not committed (`make messages`): build them so a bare `pytest` tests the notices."""
    from django.core.management import call_command
    from django.utils.translation import trans_real

    call_command("compile_catalogues", stdout=io.StringIO())
    trans_real._translations.clear()
