import datetime

import pytest
from django.utils import timezone

from apps.reviews.services import review_open, review_start, review_submit
from apps.risk.models import VendorRequirement
from apps.risk.services import vendor_requirement_record
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import DocumentFactory, VendorFactory


@pytest.fixture
def tier2_baseline(db):
    requirements = [SecurityRequirementFactory(code="signed-dpa"), SecurityRequirementFactory(code="annual-pen-test")]
    return BaselineFactory(tier=2, version=1, requirements=requirements)


@pytest.fixture
def onboarding_vendor(tier2_baseline):
    return VendorFactory(slug="acme-analytics", status="onboarding", tier=2, computed_tier=2)


@pytest.fixture
def review_factory(onboarding_vendor, buyer, reviewer):
    """review_factory(state) → an intake review of the onboarding vendor, requested by `buyer`, moved to `state`."""

    def make(state="draft", vendor=None):
        review = review_open(vendor=vendor or onboarding_vendor, kind="intake", requested_by=buyer)
        if state in ("submitted", "in_review"):
            review_submit(review=review, actor=buyer)
        if state == "in_review":
            review_start(review=review, actor=reviewer)
        return review

    return make


@pytest.fixture
def meet_all(reviewer):
    """Mark every requirement status of a vendor as met, as a reviewer would after checking the evidence."""

    def meet(vendor):
        today = timezone.localdate()
        report = DocumentFactory(vendor=vendor, issued_on=today, expires_on=today + datetime.timedelta(days=365))
        for status in VendorRequirement.objects.filter(vendor=vendor):
            vendor_requirement_record(vendor_requirement=status, status="met", evidence=report, actor=reviewer)

    return meet
