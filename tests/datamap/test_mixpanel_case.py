"""The Mixpanel case as setup_demo loads it, and the demo step that repairs what loaddata cannot compute."""

import pytest

from apps.datamap.choices import Mechanism
from apps.datamap.models import DataFlow, System
from apps.datamap.services import flow_vendors_sync
from apps.vendors.models import Contract, Vendor
from tests.factories.vendors import VendorFactory

pytestmark = pytest.mark.django_db


def test_case_has_the_system_vendor_service_flow_and_contract(demo_data):
    system = System.objects.get(slug="platform-openai-com")
    assert (system.name, system.url) == ("API console front end", "platform.openai.com")
    vendor = Vendor.objects.get(slug="mixpanel")
    assert (vendor.category, vendor.hq_country) == ("analytics", "US")
    flow = DataFlow.objects.get(code="platform-console-to-mixpanel")
    assert (flow.system, flow.vendor, flow.service.slug, flow.mechanism) == (
        system,
        vendor,
        "web-analytics",
        Mechanism.CLIENT_SIDE_SDK,
    )
    contract = Contract.objects.get(vendor=vendor, reference="mixpanel-msa")
    assert contract.breach_notification_hours == 72
    assert "assumption of the demo data" in contract.description


def test_demo_step_puts_a_flow_back_in_step_with_its_service(demo_data):
    DataFlow.objects.filter(code="platform-console-to-mixpanel").update(vendor=VendorFactory(slug="wrong"))
    assert flow_vendors_sync() == 1
    assert DataFlow.objects.get(code="platform-console-to-mixpanel").vendor.slug == "mixpanel"
    assert flow_vendors_sync() == 0
