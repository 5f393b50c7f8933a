"""Fixtures of the intake tests: the reference data a buyer picks from, and a complete set of answers."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from tests.factories.datamap import SystemFactory

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def load_reference_data():
    """The reference fixtures (0xx: data categories, requirements and baselines), as setup_demo loads them.

    loaddata saves raw, so the category paths are rebuilt after, as the data map's demo step does.
    """
    from apps.datamap.services import category_paths_rebuild

    for path in sorted(FIXTURES.glob("0*.json")):
        call_command("loaddata", str(path), verbosity=0)
    category_paths_rebuild()


@pytest.fixture
def reference_data(db):
    load_reference_data()


@pytest.fixture
def console(db):
    return SystemFactory(slug="platform-openai-com", name="API console (platform.openai.com)")


@pytest.fixture
def answers(reference_data, console):
    return complete_answers(console)


def complete_answers(console):
    """A complete request for a new analytics vendor fed by a script in our pages, as the form posts it."""
    return {
        "vendor_choice": "new",
        "vendor_name": "Pageview Analytics",
        "vendor_website": "https://pageview.example",
        "vendor_country": "us",
        "vendor_category": "analytics",
        "service_name": "Web analytics",
        "service_description": "Counts page views and sign-up funnels on the API console.",
        "business_owner": "Dana Growth",
        "business_criticality": "medium",
        "systems": [console.slug],
        "mechanism": "client_side_sdk",
        "categories": ["email-address", "approximate-location"],
        "data_subjects": "API users, organisations",
        "estimated_records": "250000",
        "contract_value": "12000",
        "contract_starts_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "intent": "submit",
    }
