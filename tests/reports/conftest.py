"""The Mixpanel case for the report tests.

`demo_data` loads the case from fixtures/100_mixpanel_datamap.json (issue 3) and 110_mixpanel_incident.json
(issue 4). Where a branch without those fixtures runs these tests, `mixpanel` records the same facts (taken from
/work/shared/cases/mixpanel.md and the shared conventions) with the factories, so the reports are tested on the
case either way.
"""

import datetime

import pytest

from apps.incidents.models import Incident
from apps.vendors.models import Vendor
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.incidents import IncidentFactory, IncidentSourceFactory
from tests.factories.vendors import ContractFactory, VendorFactory, VendorServiceFactory

SHARED = {
    "name": "Name",
    "email-address": "Email address",
    "approximate-location": "Approximate location",
    "user-agent": "Operating system and browser (user agent)",
    "referring-website": "Referring websites",
    "account-identifiers": "User and organisation IDs",
}
NOT_SHARED = {
    "conversations": "Conversations",
    "api-requests-responses": "API requests and responses",
    "api-usage-data": "API usage data",
    "password": "Password",
    "api-key": "API key",
    "session-token": "Session token",
    "authentication-secrets": "Authentication secrets",
    "payment-card": "Payment card",
    "official-id": "Official identity document",
}


def _day(month, day, year=2025):
    return datetime.datetime(year, month, day, tzinfo=datetime.UTC)


def _record_case():
    categories = {
        code: DataCategoryFactory(code=code, name=name, sensitivity=2 if code in SHARED else 4)
        for code, name in {**SHARED, **NOT_SHARED}.items()
    }
    vendor = VendorFactory(slug="mixpanel", display_name="Mixpanel", legal_name="Mixpanel, Inc.", status="offboarding")
    service = VendorServiceFactory(vendor=vendor, slug="web-analytics", name="Web analytics")
    ContractFactory(vendor=vendor, reference="mixpanel-msa", breach_notification_hours=72)
    system = SystemFactory(slug="platform-openai-com", name="API platform console (platform.openai.com)")
    flow = DataFlowFactory(
        code="platform-console-to-mixpanel",
        system=system,
        service=service,
        mechanism="client_side_sdk",
        purpose="Web analytics of the API console front end",
        data_subjects=["API console users", "organisations of API users"],
        processing_countries=["US"],
        starts_on=datetime.date(2023, 1, 1),
        shared=[categories[c] for c in SHARED],
        not_shared=[categories[c] for c in NOT_SHARED],
    )
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
    incident.affected_systems.add(system)
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
    for code in ("api-key", "api-usage-data"):
        incident.claims.create(
            source=press,
            kind="exposure",
            category=categories[code],
            exposure_status="exposed",
            statement=f"{categories[code].name} were exposed.",
        )
    incident.claims.create(
        source=press, kind="date", subject="occurred_on", value="early 2026", statement="It happened in early 2026."
    )
    incident.claims.create(
        source=official,
        kind="date",
        subject="occurred_on",
        value="2025-11-09",
        statement="On 9 November 2025 Mixpanel detected the unauthorised access.",
    )
    incident.claims.create(
        source=press,
        kind="recommendation",
        subject="key_rotation",
        value="required",
        statement="Regenerate your API keys at once.",
    )
    incident.claims.create(
        source=secondary,
        kind="recommendation",
        subject="key_rotation",
        value="not_required",
        statement="Rotating API keys is not recommended for this incident.",
    )
    for kind, at, description, source in (
        ("detected", _day(11, 9), "Mixpanel detects unauthorised access and an exported data set", official),
        ("dataset_received", _day(11, 25), "Mixpanel shares the affected data set with us", official),
        ("public_disclosure", _day(11, 26), "We publish our notice about the incident", secondary),
    ):
        incident.timeline.create(occurred_at=at, kind=kind, description=description, source=source)
    for kind, description in (
        ("remove_from_production", "Mixpanel removed from production services; its use terminated."),
        ("notify_users", "Affected organisations, admins and users notified directly."),
        ("expand_vendor_reviews", "Expanded security reviews across the whole vendor ecosystem."),
    ):
        incident.actions.create(kind=kind, description=description, done_at=_day(11, 26))
    for position, text in enumerate(
        (
            "Be wary of unexpected messages with links or attachments.",
            "Enable multi-factor authentication.",
        )
    ):
        incident.recommendations.create(position=position, text=text, source=official)


@pytest.fixture
def mixpanel(demo_data):
    """(vendor, incident) of the Mixpanel case, from the demo fixtures or recorded here when they are absent."""
    if not Incident.objects.filter(slug="mixpanel-2025-11").exists():
        _record_case()
    return Vendor.objects.get(slug="mixpanel"), Incident.objects.get(slug="mixpanel-2025-11")
