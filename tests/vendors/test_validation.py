"""Bad vendor data is refused with a clear message by model validation (what the admin shows) and the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.vendors.models import Contract, Document, Vendor
from tests.factories.vendors import ContractFactory, DocumentFactory, VendorFactory

pytestmark = pytest.mark.django_db

JAN_1 = datetime.date(2025, 1, 1)
DEC_31 = datetime.date(2024, 12, 31)


def test_contract_ending_before_it_starts_is_refused_by_validation():
    contract = ContractFactory.build(vendor=VendorFactory(), starts_on=JAN_1, ends_on=DEC_31)
    with pytest.raises(ValidationError) as error:
        contract.full_clean()
    assert error.value.message_dict["ends_on"] == ["A contract cannot end before it starts."]


def test_contract_ending_before_it_starts_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractFactory(starts_on=JAN_1, ends_on=DEC_31)
    assert not Contract.objects.exists()


def test_contract_ending_the_day_it_starts_is_fine():
    ContractFactory.build(vendor=VendorFactory(), starts_on=JAN_1, ends_on=JAN_1).full_clean()


def test_document_expiring_before_it_was_issued_is_refused_by_validation():
    document = DocumentFactory.build(vendor=VendorFactory(), issued_on=JAN_1, expires_on=DEC_31)
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert error.value.message_dict["expires_on"] == ["A document cannot expire before it was issued."]


def test_document_expiring_before_it_was_issued_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(issued_on=JAN_1, expires_on=DEC_31)
    assert not Document.objects.exists()


def test_duplicate_vendor_slug_is_refused_by_validation_with_a_clear_message():
    VendorFactory(slug="mixpanel")
    duplicate = VendorFactory.build(slug="mixpanel")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.message_dict["slug"] == [
        "A vendor with this slug already exists; pick another slug or edit that vendor."
    ]


def test_duplicate_vendor_slug_is_refused_by_the_database():
    VendorFactory(slug="mixpanel")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vendor.objects.create(slug="mixpanel", legal_name="Other", display_name="Other", category="analytics")
    assert Vendor.objects.filter(slug="mixpanel").count() == 1


def test_tier_override_without_reason_is_refused_both_ways():
    vendor = VendorFactory(tier_override=1, tier_override_reason="Handles payroll")
    vendor.tier_override_reason = " "
    with pytest.raises(ValidationError) as error:
        vendor.full_clean()
    assert "tier_override_reason" in error.value.message_dict
    vendor.tier_override_reason = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        vendor.save()
