"""The Mixpanel case for the report tests.

`demo_data` loads the case from fixtures/100_mixpanel_datamap.json (issue 3) and 110_mixpanel_incident.json
(issue 4). Until issue 4's incident fixture is merged, `mixpanel` records the incident's facts (taken from
/work/shared/cases/mixpanel.md and the shared conventions) on the loaded data map, so the reports are tested on
the case either way.
"""

import datetime
import io

import pytest

from apps.datamap.models import DataCategory, DataFlow
from apps.incidents.models import Incident
from apps.vendors.models import Vendor
from tests.factories.incidents import IncidentFactory, IncidentSourceFactory

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


def _day(month, day, year=2025):
    return datetime.datetime(year, month, day, tzinfo=datetime.UTC)


def _record_incident():
    """The incident of the case, on the data map loaded from issue 3's fixture."""
    categories = {c.code: c for c in DataCategory.objects.filter(code__in=SHARED + NOT_SHARED)}
    vendor = Vendor.objects.get(slug="mixpanel")
    flow = DataFlow.objects.get(code="platform-console-to-mixpanel")
    incident = IncidentFactory(
        slug="mixpanel-2025-11",
        vendor=vendor,
        title="Mixpanel security incident (November 2025)",
        vendor_detected_at=_day(11, 9),
        vendor_notified_at=None,
        dataset_received_at=_day(11, 25),
        public_disclosure_at=_day(11, 26),
        breach_location="inside Mixpanel's systems",
        data_subjects=["API console users"],
    )
    incident.affected_systems.add(flow.system)
    incident.affected_flows.add(flow)
    official = IncidentSourceFactory(incident=incident, key="official-notice", reliability=3, language="fr")
    secondary = IncidentSourceFactory(
        incident=incident, key="secondary-explainer", kind="secondary", reliability=2, language="es"
    )
    press = IncidentSourceFactory(incident=incident, key="press-001", kind="press", reliability=1, language="en")
    for code in SHARED:
        incident.exposures.create(category=categories[code], status="exposed", source=official)
    for code in NOT_SHARED:
        incident.exposures.create(category=categories[code], status="not_exposed", source=official)
        incident.claims.create(
            key=f"official-{code}",
            source=official,
            kind="exposure",
            category=categories[code],
            exposure_status="not_exposed",
            statement=f"No {categories[code].name.lower()} were involved.",
        )
    for code in ("api-key", "api-usage-data"):
        incident.claims.create(
            key=f"press-{code}",
            source=press,
            kind="exposure",
            category=categories[code],
            exposure_status="exposed",
            statement=f"{categories[code].name} were exposed.",
        )
    claims = (
        ("press-date", press, "date", "occurred_on", "early 2026", "It happened in early 2026."),
        ("official-date", official, "date", "occurred_on", "2025-11-09", "On 9 November 2025 Mixpanel detected it."),
        ("press-rotation", press, "recommendation", "key_rotation", "required", "Regenerate your API keys at once."),
        ("secondary-rotation", secondary, "recommendation", "key_rotation", "not_required", "No key rotation needed."),
    )
    for key, source, kind, subject, value, statement in claims:
        incident.claims.create(key=key, source=source, kind=kind, subject=subject, value=value, statement=statement)
    for key, at, description, source in (
        ("detected", _day(11, 9), "Mixpanel detects unauthorised access and an exported data set", official),
        ("dataset_received", _day(11, 25), "Mixpanel shares the affected data set with us", official),
        ("public_disclosure", _day(11, 26), "We publish our notice about the incident", secondary),
    ):
        incident.timeline.create(key=key, occurred_at=at, kind=key, description=description, source=source)
    for kind, description in (
        ("remove_from_production", "Mixpanel removed from production services; its use terminated."),
        ("notify_users", "Affected organisations, admins and users notified directly."),
        ("expand_vendor_reviews", "Expanded security reviews across the whole vendor ecosystem."),
    ):
        incident.actions.create(key=kind, kind=kind, description=description, done_at=_day(11, 26))
    for position, text in enumerate(
        ("Be wary of unexpected messages with links or attachments.", "Enable multi-factor authentication.")
    ):
        incident.recommendations.create(key=f"rec-{position}", position=position, text=text, source=official)


@pytest.fixture
def mixpanel(demo_data):
    """(vendor, incident) of the Mixpanel case, from the demo fixtures (the incident recorded here if absent)."""
    if not Incident.objects.filter(slug="mixpanel-2025-11").exists():
        _record_incident()
    return Vendor.objects.get(slug="mixpanel"), Incident.objects.get(slug="mixpanel-2025-11")


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The .mo files are built, not committed (`make messages`): build them so a bare `pytest` tests the notices."""
    from django.core.management import call_command
    from django.utils.translation import trans_real

    call_command("compile_catalogues", stdout=io.StringIO())
    trans_real._translations.clear()
