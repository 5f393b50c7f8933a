"""End to end in real headless Chromium: a buyer asks for an analytics vendor fed by a script in our pages.

Set INTAKE_SCREENSHOT_DIR to keep screenshots of the form (empty, with errors, with the tier, submitted).
"""

import datetime
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from apps.datamap.models import DataFlow
from apps.intake.choices import IntakeStatus
from apps.intake.models import IntakeRequest
from apps.reviews.choices import ReviewKind
from apps.reviews.models import Review
from apps.risk.models import VendorRequirement
from apps.vendors.choices import VendorStatus
from apps.vendors.models import Vendor
from tests.conftest import CHROMIUM
from tests.factories.accounts import UserFactory
from tests.factories.datamap import SystemFactory

from .conftest import load_reference_data

# Playwright's sync API runs an event loop in this thread while the browser is open, and Django refuses ORM
# calls under a running loop (or, with DJANGO_ALLOW_ASYNC_UNSAFE, opens a second connection that nothing closes).
# So the test touches the database only before the browser starts and after it stops; no setting is needed,
# and none leaks into the rest of the suite (`check --deploy` refuses DJANGO_ALLOW_ASYNC_UNSAFE).

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = os.environ.get("INTAKE_SCREENSHOT_DIR")


@contextmanager
def chromium_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM or "/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        page.on("response", lambda response: response.status >= 400 and page.console_errors.append(response.url))
        try:
            yield page
        finally:
            context.close()
            browser.close()


def shoot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"intake-{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_buyer_requests_an_analytics_vendor_end_to_end(live_server):
    load_reference_data()
    SystemFactory(slug="platform-openai-com", name="API console (platform.openai.com)")
    UserFactory(role="procurement", username="buyer")
    reviewer = UserFactory(role="security-reviewer", username="reviewer")
    start = timezone.localdate() + datetime.timedelta(days=30)

    with chromium_page() as page:
        buyer_fills_and_submits(page, live_server.url, start)

    intake = IntakeRequest.objects.get()
    vendor = Vendor.objects.get(slug="pageview-analytics")
    assert (intake.status, intake.vendor, vendor.status, vendor.tier) == (
        IntakeStatus.SUBMITTED,
        vendor,
        VendorStatus.PROPOSED,
        2,
    )
    flow = DataFlow.objects.get(vendor=vendor)
    assert (flow.mechanism, flow.starts_on) == ("client_side_sdk", start)
    assert set(flow.categories.values_list("code", flat=True)) == {"email-address", "approximate-location"}
    assert set(VendorRequirement.objects.filter(vendor=vendor).values_list("requirement__code", flat=True)) == {
        "assurance-report",
        "signed-dpa",
        "breach-notification-72h",
        "sso-mfa-vendor-staff",
        "subprocessor-disclosure",
        "data-minimisation-review",
    }
    assert Review.objects.filter(vendor=vendor, kind=ReviewKind.INTAKE, requested_by__username="buyer").exists()
    assert [message.to for message in mail.outbox] == [[reviewer.email]]


def buyer_fills_and_submits(page, base_url, start):
    """Everything the buyer does in the browser. No database access in here (see the module's note)."""
    # Signing in leads the buyer to their requests.
    page.goto(f"{base_url}/intake/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("buyer")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your vendor requests").wait_for()

    page.get_by_role("link", name="Start a new request").click()
    page.get_by_role("heading", name="Request a new vendor").wait_for()
    shoot(page, "1-empty")
    # The keyboard reaches the skip link first, and the skip link leads into the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Submitting nothing: the summary takes the focus and its links lead to the fields.
    page.get_by_role("button", name="Submit request").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert summary.get_by_role("link").count() >= 8
    shoot(page, "2-errors")
    summary.get_by_role("link", name="Vendor name: This field is required to submit the request.").click()
    assert page.evaluate("document.activeElement.id") == "id_vendor_name"
    assert (
        page.locator("#id_vendor_name").get_attribute("aria-describedby") == "id_vendor_name_help id_vendor_name_error"
    )

    page.get_by_label("Vendor name", exact=True).fill("Pageview Analytics")
    page.get_by_label("Website", exact=True).fill("https://pageview.example")
    page.get_by_label("Country of its headquarters").fill("US")
    page.get_by_label("Kind of vendor").select_option("analytics")
    page.get_by_label("Service name", exact=True).fill("Web analytics")
    page.get_by_label("What the service does for us").fill("Counts page views and sign-ups on the API console.")
    page.get_by_label("Business owner", exact=True).fill("Dana Growth")
    page.get_by_label("API console (platform.openai.com)").check()
    page.get_by_label("Script or SDK in our pages").check()
    # The first-party filter narrows the catalogue as the buyer types; a ticked box stays visible.
    category_filter = page.get_by_label("Filter the list")
    category_filter.fill("email")
    assert page.locator("#cat-password").is_hidden()
    page.locator("#cat-email-address").check()
    category_filter.fill("approximate")
    assert page.locator("#cat-email-address").is_visible()
    page.locator("#cat-approximate-location").check()
    category_filter.fill("")
    page.get_by_label("Whose data", exact=True).fill("API users, organisations")
    page.get_by_label("Estimated number of records").fill("250000")
    page.get_by_label("Contract start date").fill(start.isoformat())

    # The tier the answers imply, and what it will require, before anything is submitted.
    page.get_by_role("button", name="Check tier").click()
    feedback = page.locator("#tier-feedback")
    feedback.wait_for()
    assert "Tier 2 — high" in feedback.inner_text()
    assert "its code runs in our web pages" in feedback.inner_text().lower()
    assert "Breach notification within 72 hours in the contract" in feedback.inner_text()
    shoot(page, "3-tier")

    page.get_by_role("button", name="Submit request").click()
    page.get_by_role("heading", name="Your vendor requests").wait_for()
    row = page.get_by_role("row", name="Pageview Analytics")
    assert "Submitted" in row.inner_text()
    assert "Tier 2" in row.inner_text()
    shoot(page, "4-submitted")
    assert page.console_errors == [], "the pages logged errors (a CSP violation would show here)"
