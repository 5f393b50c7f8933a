"""Clients per role and a small register with a bit of everything, for the API tests."""

import datetime

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.incidents.models import ResponseAction, ScopeAmendment, TimelineEvent
from apps.intake.models import IntakeRequest
from apps.reviews.models import ReviewTransition, RiskException
from apps.risk.models import TierChange
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.incidents import (
    IncidentClaimFactory,
    IncidentExposureFactory,
    IncidentFactory,
    IncidentSourceFactory,
)
from tests.factories.reviews import FindingFactory, ReviewFactory
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory, VendorRequirementFactory
from tests.factories.vendors import ContractFactory, DocumentFactory, VendorFactory, VendorServiceFactory


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    # Throttle counters live in the cache; a test must not inherit another's.
    cache.clear()


@pytest.fixture
def api():
    """`api(user)` is a client authenticated as that user; `api()` an anonymous one."""

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


def _day(day):
    return datetime.datetime(2025, 11, day, tzinfo=datetime.UTC)


def add_vendor_with_everything(index, *, reviewer, contact, secret):
    """One vendor with a flow, paper, an incident with all its parts, requirements and a reviewed review."""
    vendor = VendorFactory(slug=f"vendor-{index}", tier=1 + index % 4, owner=reviewer)
    service = VendorServiceFactory(vendor=vendor)
    system = SystemFactory(slug=f"system-{index}", owner=reviewer)
    DataFlowFactory(service=service, system=system, shared=[contact], not_shared=[secret])
    ContractFactory(vendor=vendor)
    document = DocumentFactory(vendor=vendor, verified_by=reviewer)
    incident = IncidentFactory(vendor=vendor, recorded_by=reviewer)
    incident.affected_systems.add(system)
    source = IncidentSourceFactory(incident=incident)
    IncidentExposureFactory(incident=incident, category=contact, source=source)
    IncidentClaimFactory(incident=incident, source=source, category=contact)
    TimelineEvent.objects.create(
        incident=incident, key="detected", occurred_at=_day(9), kind="detected", description="Detected"
    )
    TimelineEvent.objects.create(
        incident=incident,
        key="told",
        occurred_at=_day(25),
        kind="vendor_notified_us",
        description="Told",
        source=source,
    )
    for tier in (4, vendor.tier):
        TierChange.objects.create(vendor=vendor, to_tier=tier, cause="computed", changed_by=reviewer)
    ResponseAction.objects.create(incident=incident, key="act", kind="other", description="Act", owner=reviewer)
    ScopeAmendment.objects.create(
        incident=incident, version=1, amended_at=_day(27), reason="More", recorded_by=reviewer
    )
    requirement = SecurityRequirementFactory(code=f"req-{index}")
    BaselineFactory(tier=vendor.tier, version=index + 10, is_current=False, requirements=[requirement])
    standing = VendorRequirementFactory(vendor=vendor, requirement=requirement, evidence=document, verified_by=reviewer)
    review = ReviewFactory(vendor=vendor, requested_by=reviewer, incident=incident)
    ReviewTransition.objects.create(review=review, from_state="draft", to_state="submitted", actor=reviewer)
    ReviewTransition.objects.create(review=review, from_state="submitted", to_state="in_review", actor=reviewer)
    FindingFactory(review=review, owner=reviewer)
    RiskException.objects.create(
        review=review,
        vendor_requirement=standing,
        justification="Compensating control",
        approved_by=reviewer,
        expires_on=datetime.date(2026, 12, 31),
    )
    intake = IntakeRequest.objects.create(requester=reviewer, vendor_name=f"Candidate {index}", existing_vendor=vendor)
    intake.systems.add(system)
    intake.categories.add(contact)
    return vendor


@pytest.fixture
def register(reviewer):
    """Three vendors, each with a row in every table the API lists."""
    contact = DataCategoryFactory(code="contact", name="Contact")
    email = DataCategoryFactory(code="email-address", name="Email address", parent=contact)
    secret = DataCategoryFactory(code="api-key", name="API key", sensitivity=4, is_secret=True)
    return [add_vendor_with_everything(i, reviewer=reviewer, contact=email, secret=secret) for i in range(3)]
