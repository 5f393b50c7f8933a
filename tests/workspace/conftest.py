import datetime

import pytest
from django.utils import timezone

from apps.reviews.services import review_open, review_start, review_submit
from apps.risk.services import vendor_requirements_ensure
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import DocumentFactory, VendorFactory

TODAY = timezone.localdate()


@pytest.fixture
def vendor(db):
    requirements = [SecurityRequirementFactory(code=code) for code in ("signed-dpa", "soc2-report", "annual-pen-test")]
    BaselineFactory(tier=2, version=1, requirements=requirements)
    vendor = VendorFactory(slug="acme-crm", display_name="Acme CRM", status="proposed", tier=2, computed_tier=2)
    vendor_requirements_ensure(vendor=vendor)
    return vendor


@pytest.fixture
def evidence(vendor):
    return DocumentFactory(
        vendor=vendor, title="Acme SOC 2", issued_on=TODAY, expires_on=TODAY + datetime.timedelta(365)
    )


@pytest.fixture
def blocked_review(vendor, reviewer):
    """An intake review in review, requested by `reviewer`, that no requirement yet allows to approve."""
    review = review_open(vendor=vendor, kind="intake", requested_by=reviewer)
    review_submit(review=review, actor=reviewer)
    review_start(review=review, actor=reviewer)
    return review
