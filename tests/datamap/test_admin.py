"""The data-flow and category admin: constant-cost changelist, subtree and sharing filters, inline validation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.datamap.choices import Mechanism, Sharing
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory
from tests.factories.datamap import DataFlowFactory, SystemFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:datamap_dataflow_changelist")


def category(code):
    return DataCategory.objects.get(code=code)


def add_flows(count):
    for _ in range(count):
        DataFlowFactory(shared=[category("email-address"), category("ip-address")], not_shared=[category("password")])


def changelist_queries(client, rows):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows
    return len(queries)


def test_flow_changelist_runs_the_same_number_of_queries_with_5_and_50_rows(demo_data, client, reviewer):
    client.force_login(reviewer)
    add_flows(4)
    few = changelist_queries(client, 5)
    add_flows(45)
    assert changelist_queries(client, 50) == few


def test_flow_changelist_counts_shared_and_not_shared_rows(demo_data, client, reviewer):
    client.force_login(reviewer)
    [flow] = client.get(CHANGELIST).context["cl"].result_list
    assert (flow.code, flow.vendor.slug, flow.shared_count, flow.not_shared_count) == (
        "platform-console-to-mixpanel",
        "mixpanel",
        6,
        9,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "contact"}, ["platform-console-to-mixpanel"]),
        ({"category": "api-key"}, []),
        ({"category": "api-key", "sharing": Sharing.NOT_SHARED}, ["platform-console-to-mixpanel"]),
        ({"category": "authentication-secrets", "sharing": Sharing.NOT_SHARED}, ["platform-console-to-mixpanel"]),
        ({"category": "device-online"}, ["platform-console-to-mixpanel", "server-flow"]),
        ({"sharing": Sharing.NOT_SHARED}, ["platform-console-to-mixpanel"]),
        ({"mechanism": Mechanism.SERVER_API}, ["server-flow"]),
        ({"q": "mixpanel"}, ["platform-console-to-mixpanel"]),
    ],
)
def test_flow_changelist_filters(demo_data, client, reviewer, query, expected):
    DataFlowFactory(code="server-flow", system__name="Billing", shared=[category("ip-address")])
    client.force_login(reviewer)
    response = client.get(CHANGELIST, query)
    assert response.status_code == 200
    assert [flow.code for flow in response.context["cl"].result_list] == expected


def flow_post_data(flow, rows):
    data = {
        "code": flow.code,
        "system": flow.system_id,
        "service": flow.service_id,
        "mechanism": flow.mechanism,
        "purpose": flow.purpose,
        # As the form posts them: subjects one per line, countries as picked codes (none here).
        "data_subjects": "users",
        "flow_categories-TOTAL_FORMS": str(len(rows)),
        "flow_categories-INITIAL_FORMS": "0",
    }
    for index, (code, sharing) in enumerate(rows):
        data[f"flow_categories-{index}-category"] = category(code).pk
        data[f"flow_categories-{index}-sharing"] = sharing
    return data


def post_flow(client, flow, rows):
    return client.post(reverse("admin:datamap_dataflow_change", args=[flow.pk]), flow_post_data(flow, rows))


def test_inline_refuses_a_category_both_shared_and_not_shared(demo_data, client, reviewer):
    flow = DataFlowFactory()
    client.force_login(reviewer)
    response = post_flow(client, flow, [("email-address", Sharing.SHARED), ("email-address", Sharing.NOT_SHARED)])
    assert response.status_code == 200
    # The inline formset's own uniqueness check: one answer per category.
    assert "Please correct the duplicate data for category." in response.content.decode()
    assert not DataFlowCategory.objects.filter(flow=flow).exists()


def test_inline_refuses_sharing_under_a_not_shared_parent(demo_data, client, reviewer):
    flow = DataFlowFactory()
    client.force_login(reviewer)
    response = post_flow(client, flow, [("authentication-secrets", Sharing.NOT_SHARED), ("password", Sharing.SHARED)])
    assert response.status_code == 200
    assert "Passwords cannot be shared: this flow says Authentication secrets is not shared." in (
        response.content.decode()
    )
    assert not DataFlowCategory.objects.filter(flow=flow).exists()


def test_inline_saves_good_rows_and_keeps_the_vendor_in_step_with_the_service(demo_data, client, reviewer):
    flow = DataFlowFactory()
    client.force_login(reviewer)
    response = post_flow(client, flow, [("email-address", Sharing.SHARED), ("password", Sharing.NOT_SHARED)])
    assert response.status_code == 302
    assert dict(flow.flow_categories.values_list("category__code", "sharing")) == {
        "email-address": Sharing.SHARED,
        "password": Sharing.NOT_SHARED,
    }
    flow.refresh_from_db()
    assert flow.vendor_id == flow.service.vendor_id


def test_category_autocomplete_finds_categories_by_name(demo_data, client, reviewer):
    client.force_login(reviewer)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "email", "app_label": "datamap", "model_name": "dataflowcategory", "field_name": "category"},
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Email address"]


def test_category_changelist_lists_the_catalogue_as_a_tree(demo_data, client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("admin:datamap_datacategory_changelist"), {"q": "email"})
    assert [c.code for c in response.context["cl"].result_list] == ["email-address"]
    assert "— Email address" in response.content.decode()


def test_renaming_a_category_code_in_the_admin_moves_its_subtree(demo_data, client, reviewer):
    contact = category("contact")
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:datamap_datacategory_change", args=[contact.pk]),
        {
            "code": "contact-details",
            "name": contact.name,
            "description": contact.description,
            "parent": "",
            "sensitivity": contact.sensitivity,
            "is_personal_data": "on",
            "dpv_term": contact.dpv_term,
        },
    )
    assert response.status_code == 302
    assert category("email-address").path == "contact-details/email-address/"


def test_vendor_filter_lists_one_vendors_flows_and_names_only_that_vendor(demo_data, client, reviewer):
    client.force_login(reviewer)
    mine = DataFlowFactory(shared=[category("email-address")])
    other = DataFlowFactory(shared=[category("email-address")])
    response = client.get(CHANGELIST, {"vendor": mine.vendor_id})
    listed = {flow.pk for flow in response.context["cl"].result_list}
    assert mine.pk in listed and other.pk not in listed
    sidebar = response.content.decode().split('id="changelist-filter"')[1]
    assert mine.vendor.display_name in sidebar
    # The sidebar never lists every vendor as a choice (10,000 links at 10,000 vendors).
    assert other.vendor.display_name not in sidebar
    unfiltered = client.get(CHANGELIST).content.decode().split('id="changelist-filter"')[1]
    assert other.vendor.display_name not in unfiltered


def test_vendor_filter_ignores_a_value_that_is_not_an_id(demo_data, client, reviewer):
    client.force_login(reviewer)
    add_flows(2)
    response = client.get(CHANGELIST, {"vendor": "x' or 1=1"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == DataFlow.objects.count()


def test_the_systems_changelist_counts_each_systems_flows(client, reviewer):
    busy, quiet = SystemFactory(name="Busy"), SystemFactory(name="Quiet")
    for _ in range(3):
        DataFlowFactory(system=busy)
    DataFlowFactory(system=quiet)
    SystemFactory(name="Idle")
    client.force_login(reviewer)

    response = client.get(reverse("admin:datamap_system_changelist"))

    assert {system.name: system.flow_count for system in response.context["cl"].result_list} == {
        "Busy": 3,
        "Quiet": 1,
        "Idle": 0,
    }
