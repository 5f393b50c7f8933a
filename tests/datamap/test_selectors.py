"""Who receives what, on the loaded Mixpanel case and on small made-up maps."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.datamap.choices import Mechanism
from apps.datamap.models import DataCategory, DataFlow, System
from apps.datamap.selectors import system_data_sent, vendor_data_received, vendors_receiving
from apps.vendors.models import Vendor
from tests.factories.datamap import DataFlowFactory, SystemFactory
from tests.factories.vendors import VendorServiceFactory

pytestmark = pytest.mark.django_db

MIXPANEL_SHARED = {
    "name",
    "email-address",
    "approximate-location",
    "user-agent",
    "referring-website",
    "account-identifiers",
}
MIXPANEL_NOT_SHARED = {
    "conversations",
    "api-requests-responses",
    "api-usage-data",
    "password",
    "api-key",
    "session-token",
    "authentication-secrets",
    "payment-card",
    "official-id",
}


def slugs(vendors):
    return [vendor.slug for vendor in vendors]


@pytest.mark.parametrize("code", ["email-address", "contact"])
def test_email_address_and_its_parent_contact_find_mixpanel_with_system_and_mechanism(demo_data, code):
    vendors = list(vendors_receiving(category_code=code))
    assert slugs(vendors) == ["mixpanel"]
    [flow] = vendors[0].receiving_flows
    assert (flow.system.slug, flow.mechanism, flow.service.slug) == (
        "platform-openai-com",
        Mechanism.CLIENT_SIDE_SDK,
        "web-analytics",
    )
    assert [row.category.code for row in flow.matching_categories] == ["email-address"]


@pytest.mark.parametrize("code", ["api-key", "authentication-secrets", "conversations", "payment-card"])
def test_explicitly_not_shared_categories_find_nobody(demo_data, code):
    assert slugs(vendors_receiving(category_code=code)) == []


def test_parent_without_descendants_finds_only_rows_on_the_parent_itself(demo_data):
    assert slugs(vendors_receiving(category_code="contact", include_descendants=False)) == []
    assert slugs(vendors_receiving(category_code="email-address", include_descendants=False)) == ["mixpanel"]


def test_mechanism_narrows_the_answer(demo_data):
    assert slugs(vendors_receiving(category_code="contact", mechanism=Mechanism.CLIENT_SIDE_SDK)) == ["mixpanel"]
    assert slugs(vendors_receiving(category_code="contact", mechanism=Mechanism.SERVER_API)) == []


def test_ended_flows_count_unless_only_current_ones_are_asked_for(demo_data):
    # The demo offboards Mixpanel: its flow has ended, yet the data it received is still exposed by its breach.
    assert DataFlow.objects.get(code="platform-console-to-mixpanel").ends_on is not None
    assert slugs(vendors_receiving(category_code="contact")) == ["mixpanel"]
    assert slugs(vendors_receiving(category_code="contact", active_only=True)) == []
    today = timezone.localdate()
    DataFlow.objects.filter(code="platform-console-to-mixpanel").update(ends_on=today)
    assert slugs(vendors_receiving(category_code="contact", active_only=True)) == []
    DataFlow.objects.filter(code="platform-console-to-mixpanel").update(ends_on=today + datetime.timedelta(days=1))
    assert slugs(vendors_receiving(category_code="contact", active_only=True)) == ["mixpanel"]


def test_unknown_category_code_is_an_error_naming_the_field(db):
    with pytest.raises(ValidationError) as error:
        vendors_receiving(category_code="e-mail")
    assert "category_code" in error.value.message_dict


def test_vendors_receiving_runs_three_queries_whatever_the_number_of_vendors(demo_data, django_assert_num_queries):
    email = DataCategory.objects.get(code="email-address")
    for _ in range(5):
        DataFlowFactory(shared=[email])
    with django_assert_num_queries(4):  # the category, the vendors, their flows, the flows' matching rows
        vendors = list(vendors_receiving(category_code="contact"))
        assert sum(len(v.receiving_flows) for v in vendors) == 6
        assert all(f.system.name and f.matching_categories for v in vendors for f in v.receiving_flows)


def test_mixpanel_receives_exactly_the_six_shared_categories_and_carries_the_not_shared_list(demo_data):
    [flow_data] = vendor_data_received(vendor=Vendor.objects.get(slug="mixpanel"))
    assert flow_data.flow.code == "platform-console-to-mixpanel"
    assert flow_data.shared_codes == MIXPANEL_SHARED
    assert flow_data.not_shared_codes == MIXPANEL_NOT_SHARED
    assert {row.note for row in flow_data.shared} == {"per official notice"}
    assert all(row.note for row in flow_data.not_shared)
    assert flow_data.flow.data_subjects == ["API users", "organisations of API users"]


def test_system_data_sent_lists_each_vendor_flow(demo_data):
    system = System.objects.get(slug="platform-openai-com")
    name = DataCategory.objects.get(code="name")
    zendesk = VendorServiceFactory(vendor__slug="zendesk")
    other_vendor_flow = DataFlowFactory(system=system, service=zendesk, shared=[name])
    sent = system_data_sent(system=system)
    assert [item.flow.vendor.slug for item in sent] == ["mixpanel", "zendesk"]
    assert sent[1].flow == other_vendor_flow
    assert sent[1].shared_codes == {"name"}
    assert sent[1].not_shared_codes == set()


def test_system_that_sends_nothing_has_no_flows(db):
    assert system_data_sent(system=SystemFactory()) == []
