"""Fixtures of the questionnaire tests: the catalogue, our bank, a tier-2 vendor with its requirement statuses."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from apps.questionnaires.services import bank_install_standard, questionnaire_send
from apps.risk.services import vendor_requirements_ensure
from tests.factories.vendors import ContactFactory, VendorFactory
from tests.intake.conftest import load_reference_data

LINK = re.compile(r"/portal/([A-Za-z0-9_-]{20,})/")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def link_token(message=None):
    """The portal token in an email (by default the last email that carries one)."""
    messages = [message] if message else reversed(mail.outbox)
    return next(LINK.search(m.body).group(1) for m in messages if LINK.search(m.body))


def sent_code(message=None):
    messages = [message] if message else reversed(mail.outbox)
    return next(m for m in messages if "one-time code" in m.subject.lower() or "code" in m.subject.lower()).body.split(
        ": ", 1
    )[1][:6]


@pytest.fixture
def bank(db):
    load_reference_data()
    return bank_install_standard()


def make_vendor(slug, tier=2):
    vendor = VendorFactory(slug=slug, tier=tier, computed_tier=tier)
    vendor_requirements_ensure(vendor=vendor)
    contact = ContactFactory(vendor=vendor, email=f"security@{slug}.example.com", name=f"{slug} security")
    return vendor, contact


@pytest.fixture
def vendor_and_contact(bank):
    return make_vendor("acme")


def send(reviewer, vendor, contact, *, code_required=False, days=14):
    return questionnaire_send(
        vendor=vendor,
        contact=contact,
        due_on=timezone.localdate() + datetime.timedelta(days=days),
        actor=reviewer,
        code_required=code_required,
    )


@pytest.fixture
def sent(reviewer, vendor_and_contact, django_capture_on_commit_callbacks):
    vendor, contact = vendor_and_contact
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire = send(reviewer, vendor, contact)
    return questionnaire, link_token()


def portal_client(client, token):
    """A browser session opened with the link (follows the redirect off the token URL)."""
    response = client.get(f"/portal/{token}/")
    assert response.status_code == 302, response.content[:200]
    return client


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The portal's rate counters live in the cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
