"""Pickers list their options as soon as they are focused, before anything is typed: the workspace's selects
(workspace/picker.js) and the admin's autocompletes (core/autocomplete-on-focus.js). Without JavaScript the
select is the control, so the other stories (and the form posts in tests/workspace) cover that half."""

import datetime

import pytest
from django.utils import timezone

from apps.risk.services import vendor_requirements_ensure
from tests.factories.accounts import UserFactory
from tests.factories.vendors import DocumentFactory, VendorFactory
from tests.intake.conftest import load_reference_data

from .browser import axe_violations, browser, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()
EVIDENCE = "Evidence (this vendor's unexpired documents)"


def test_a_workspace_picker_lists_this_vendors_options_on_focus_and_filters_as_typed(live_server):
    load_reference_data()
    UserFactory(role="security-reviewer", username="reviewer")
    vendor = VendorFactory(slug="acme-crm", display_name="Acme CRM", status="proposed", tier=2, computed_tier=2)
    vendor_requirements_ensure(vendor=vendor)
    for title in ("Acme SOC 2 report", "Acme pen test summary"):
        DocumentFactory(vendor=vendor, title=title, issued_on=TODAY, expires_on=TODAY + datetime.timedelta(300))
    DocumentFactory(vendor=VendorFactory(slug="other"), title="Other vendor's deletion certificate")
    with browser() as new_page:
        page = new_page()
        sign_in(page, live_server.url, "reviewer", next_path="/vendors/acme-crm/")
        form = page.locator("#mark-met")
        finder = form.get_by_role("combobox", name=f"Find in “{EVIDENCE}”")
        listbox = form.get_by_role("listbox")
        assert not listbox.is_visible()
        finder.focus()  # by keyboard or pointer, nothing typed yet
        options = listbox.get_by_role("option")
        assert sorted(options.all_inner_texts()) == ["Acme CRM — Acme SOC 2 report", "Acme CRM — Acme pen test summary"]
        assert axe_violations(page) == []
        finder.fill("pen")
        assert options.all_inner_texts() == ["Acme CRM — Acme pen test summary"]
        finder.press("ArrowDown")
        finder.press("Enter")
        assert not listbox.is_visible()
        select = form.get_by_label(EVIDENCE, exact=True)
        assert select.evaluate("s => s.options[s.selectedIndex].text") == "Acme CRM — Acme pen test summary"
        finder.fill("nothing like this")
        assert listbox.inner_text() == "No match"
        assert page.errors == []


def test_an_admin_autocomplete_lists_options_when_tabbed_into(live_server):
    UserFactory(role="security-reviewer", username="reviewer")
    UserFactory(role="security-reviewer", username="owner-alice", first_name="Alice")
    with browser() as new_page:
        page = new_page()
        sign_in(page, live_server.url, "reviewer", next_path="/admin/datamap/system/add/")
        page.locator(".field-owner .select2-selection").focus()  # as Tab does: no click, nothing typed
        # The first option is select2's "Searching…" until the answer arrives: wait for the user's own option
        # (wait_for fails the test after its timeout if the list never fills).
        page.locator(".select2-results__option", has_text="owner-alice").wait_for()
        # The admin's pages have no favicon link, so Chromium's /favicon.ico is a 404; nothing else may fail.
        assert [error for error in page.errors if "status of 404" not in error] == []
