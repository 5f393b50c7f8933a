"""Fixtures of the intake tests: the reference data a buyer picks from, and a complete set of answers."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from tests.factories.datamap import SystemFactory
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def load_categories():
    """The data-category catalogue, as setup_demo loads it (loaddata saves raw, so paths are rebuilt after)."""
    from apps.datamap.services import category_paths_rebuild

    call_command("loaddata", str(FIXTURES / "010_data_categories.json"), verbosity=0)
    category_paths_rebuild()


def create_baselines():
    """One current baseline per tier, stricter as the tier rises; the tests own them, whatever the fixtures say."""
    soc2 = SecurityRequirementFactory(code="t-soc2", title="A current SOC 2 Type II report or ISO 27001 certificate")
    dpa = SecurityRequirementFactory(code="t-dpa", title="A signed data processing agreement")
    breach = SecurityRequirementFactory(code="t-breach-72h", title="Tells us of a breach within 72 hours")
    pentest = SecurityRequirementFactory(code="t-pentest", title="A penetration test every year")
    requirements = {1: [soc2, dpa, breach, pentest], 2: [soc2, dpa, breach], 3: [dpa, breach], 4: [dpa]}
    for tier, wanted in requirements.items():
        BaselineFactory(tier=tier, version=1, requirements=wanted, review_cadence_months=(12, 12, 24, 36)[tier - 1])


@pytest.fixture
def reference_data(db):
    load_categories()
    create_baselines()


@pytest.fixture
def console(db):
    return SystemFactory(slug="platform-openai-com", name="API console (platform.openai.com)")


@pytest.fixture
def answers(reference_data, console):
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
