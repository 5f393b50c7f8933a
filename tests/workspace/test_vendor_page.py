"""The vendor page stays light for a big vendor: the data-map table shows the first flows and links to all of
them, the diagram draws the first systems and counts the rest, and its query count does not grow with flows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.risk.choices import RequirementStatus
from apps.workspace import selectors
from apps.workspace.views.vendors import DIAGRAM_ROWS, FLOW_ROWS, _build_form
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.reviews import ReviewFactory
from tests.factories.risk import SecurityRequirementFactory, VendorRequirementFactory
from tests.factories.vendors import DocumentFactory, VendorServiceFactory


def add_flows(vendor, count, *, start=0):
    service = VendorServiceFactory(vendor=vendor)
    email = DataCategoryFactory(code="email")
    for index in range(start, start + count):
        DataFlowFactory(
            service=service, code=f"flow-{index:03}", system=SystemFactory(slug=f"app-{index:03}"), shared=[email]
        )


def data_map_rows(page):
    table = page.split('id="datamap"', 1)[1].split("</table>", 1)[0]
    return table.split("<tbody>", 1)[1].count("<tr>")


@pytest.mark.django_db
def test_a_small_vendor_shows_every_flow_and_no_cut(client, reviewer, vendor):
    add_flows(vendor, 3)
    client.force_login(reviewer)
    page = client.get(f"/vendors/{vendor.slug}/").content.decode()
    assert data_map_rows(page) == 3
    assert "All 3 flows" not in page and "more systems" not in page


@pytest.mark.django_db
def test_a_big_vendor_shows_the_first_flows_and_links_to_all(client, reviewer, vendor):
    add_flows(vendor, FLOW_ROWS + 5)
    client.force_login(reviewer)
    page = client.get(f"/vendors/{vendor.slug}/").content.decode()
    assert data_map_rows(page) == FLOW_ROWS
    assert f"The first {FLOW_ROWS} of {FLOW_ROWS + 5} flows" in page
    report_url = reverse("reports:vendor-dataflow", args=[vendor.slug])
    assert f'<a href="{report_url}">All {FLOW_ROWS + 5} flows in the data-flow report</a>' in page
    diagram = page.split('id="dataflow-diagram"', 1)[1].split("</svg>", 1)[0]
    assert len(re.findall(r">App 0\d\d<", diagram)) == DIAGRAM_ROWS
    assert f"and {FLOW_ROWS + 5 - DIAGRAM_ROWS} more systems" in diagram
    # Every flow can still be named as affected when recording an incident.
    assert page.count('name="incident-affected_flows"') == FLOW_ROWS + 5


@pytest.mark.django_db
def test_the_vendor_page_runs_a_constant_number_of_queries(client, reviewer, vendor):
    add_flows(vendor, 3)
    client.force_login(reviewer)
    client.get(f"/vendors/{vendor.slug}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/vendors/{vendor.slug}/")
    add_flows(vendor, 40, start=3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/vendors/{vendor.slug}/")
    assert response.status_code == 200
    assert len(many) == len(few)


@pytest.mark.django_db
def test_checked_requirements_stay_checked_when_a_mark_met_is_refused(client, reviewer, vendor):
    statuses = list(vendor.requirement_statuses.order_by("requirement__code"))
    client.force_login(reviewer)
    # No evidence chosen: the form is refused and drawn again with the reviewer's choice kept.
    response = client.post(f"/vendors/{vendor.slug}/mark-met/", {"mark_met-vendor_requirements": [statuses[0].pk]})
    page = response.content.decode()
    assert response.status_code == 400
    boxes = re.findall(r'<input type="checkbox" name="mark_met-vendor_requirements"[^>]*>', page)
    assert len(boxes) == len(statuses)
    checked = [box for box in boxes if " checked" in box]
    assert checked == [
        f'<input type="checkbox" name="mark_met-vendor_requirements" value="{statuses[0].pk}" '
        f'id="id_mark_met-vendor_requirements_0" checked>'
    ]
    assert 'for="id_mark_met-vendor_requirements_0"' in page


def add_picker_choices(vendor, start, count):
    """`count` more open reviews, unexpired documents and requirements not met (plus one met, never offered)."""
    for index in range(start, start + count):
        ReviewFactory(vendor=vendor)
        DocumentFactory(vendor=vendor, title=f"Report {index}", expires_on=None)
        VendorRequirementFactory(vendor=vendor, requirement=SecurityRequirementFactory(code=f"req-{index:02}"))
    VendorRequirementFactory(
        vendor=vendor, requirement=SecurityRequirementFactory(code=f"met-{start:02}"), status=RequirementStatus.MET
    )


def drawn_forms(vendor, *, stock):
    """The mark-met and exception forms as the page draws them; `stock`: their options from their querysets."""
    data = selectors.vendor_page_data(vendor=vendor)
    forms = {name: _build_form(name, vendor, data) for name in ("mark_met", "exception")}
    for form in forms.values():
        for field in form.fields.values():
            if stock:
                field.preloaded = None
    return {name: str(form) for name, form in forms.items()}


@pytest.mark.django_db
def test_the_pickers_offer_what_their_querysets_hold_without_a_query_per_picker_or_option(client, reviewer, vendor):
    add_picker_choices(vendor, 0, 1)
    client.force_login(reviewer)
    path = f"/vendors/{vendor.slug}/"
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    add_picker_choices(vendor, 1, 4)
    with CaptureQueriesContext(connection) as many:
        page = client.get(path).content.decode()
    assert len(many) == len(few)
    # The page offers exactly what the querysets hold (which also decide what a POST may choose), in their order.
    assert drawn_forms(vendor, stock=False) == drawn_forms(vendor, stock=True)
    for index in range(5):
        assert f"Acme CRM — Report {index}</option>" in page  # each document by its label
        assert f'value="{vendor.requirement_statuses.get(requirement__code=f"req-{index:02}").pk}"' in page
    assert page.count("review of Acme CRM (Draft)</option>") == 5
    assert "met-00" not in page.split('id="mark-met"', 1)[-1].split("</form>", 1)[0]
