"""The reviewer's stories end to end in headless Chromium, each page checked by axe-core (no serious or critical
WCAG 2.2 AA violation). Screenshots go to tests/artifacts/ (git-ignored)."""

import datetime
import re

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from apps.datamap.models import DataCategory
from apps.incidents.models import Incident
from apps.intake.models import IntakeRequest
from apps.reviews.models import Review
from apps.reviews.services import review_open, review_start, review_submit
from apps.risk.models import VendorRequirement
from apps.risk.services import vendor_requirements_ensure
from apps.vendors.models import Vendor
from tests.factories.accounts import UserFactory
from tests.factories.datamap import DataFlowFactory, SystemFactory
from tests.factories.vendors import ContractFactory, DocumentFactory, VendorFactory, VendorServiceFactory
from tests.intake.conftest import load_reference_data
from tests.intake.test_intake_browser import buyer_fills_and_submits

from .browser import axe_violations, browser, shoot, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


def reviewers():
    return UserFactory(role="security-reviewer", username="reviewer"), UserFactory(
        role="security-reviewer", username="reviewer2"
    )


def crm_vendor():
    """A CRM vendor that receives our customers' contact data by server API."""
    vendor = VendorFactory(slug="acme-crm", display_name="Acme CRM", category="crm", status="active")
    ContractFactory(vendor=vendor, reference="acme-msa", breach_notification_hours=72)
    DataFlowFactory(
        vendor=vendor,
        system=SystemFactory(slug="billing", name="Billing"),
        service=VendorServiceFactory(vendor=vendor),
        data_subjects=["customers"],
        shared=list(DataCategory.objects.filter(code__in=("email-address", "name", "phone-number"))),
    )
    return vendor


def test_a_reviewer_records_an_incident_at_a_crm_vendor_and_reads_its_page(live_server):
    load_reference_data()
    reviewers()
    crm_vendor()
    with browser() as new_page:
        page = new_page()
        sign_in(page, live_server.url, "reviewer")
        page.get_by_role("link", name="Vendors", exact=True).click()
        page.get_by_role("link", name="Acme CRM").click()
        assert axe_violations(page) == []
        form = page.locator("#record-incident")
        form.get_by_label("Title").fill("Acme CRM: customer export stolen")
        form.get_by_label("Severity").select_option("high")
        form.get_by_label("Vendor detected it").fill("2026-01-05 08:00")
        form.get_by_label("Vendor told us").fill("2026-01-12 08:00")
        form.get_by_label("Billing").check()
        form.get_by_label("Data subjects").fill("customers\nprospects")
        form.get_by_role("button", name="Record incident").click()
        page.get_by_role("heading", name="What of ours was exposed").wait_for()

        source = page.locator("#add-source")
        source.get_by_label("Kind of source").select_option("official_notice")
        source.get_by_label("Title").fill("Acme security notice")
        source.get_by_label("Reliability").select_option(label="High")
        source.get_by_role("button", name="Add source").click()
        exposures = page.locator("#set-exposures")
        exposures.get_by_label("Data categories", exact=True).select_option(label=["Email address", "Name"])
        exposures.get_by_label("What happened to them").select_option("exposed")
        exposures.get_by_label("According to", exact=True).select_option(
            label="Acme security notice (reliability: high)"
        )
        exposures.get_by_role("button", name="Record exposures").click()
        page.get_by_text("2 exposure(s) recorded.").wait_for()

        exposed = page.locator(".exposure--exposed").inner_text()
        assert "Exposed (2)" in exposed and "Email address" in exposed
        clocks = page.locator("#clocks").inner_text()
        assert "168 h" in clocks and "allows 72 h" in clocks and "breached" in clocks
        assert "customers, prospects" in page.locator("#affected").inner_text()
        shoot(page, "incident-page")
        assert axe_violations(page) == []
        assert page.errors == []

    incident = Incident.objects.get(vendor__slug="acme-crm")
    assert incident.exposures.filter(status="exposed").count() == 2
    # The incident response opened a review the recording reviewer requested: the second reviewer can decide it.
    assert Review.objects.get(incident=incident).requested_by.username == "reviewer"


def blocked_review():
    reviewer, _ = reviewers()
    vendor = VendorFactory(slug="acme-crm", display_name="Acme CRM", status="proposed", tier=2, computed_tier=2)
    vendor_requirements_ensure(vendor=vendor)
    DocumentFactory(
        vendor=vendor, title="Acme SOC 2 report", issued_on=TODAY, expires_on=TODAY + datetime.timedelta(300)
    )
    DocumentFactory(vendor=VendorFactory(slug="other"), title="Other vendor's deletion certificate")
    review = review_open(vendor=vendor, kind="intake", requested_by=reviewer)
    review_submit(review=review, actor=reviewer)
    review_start(review=review, actor=reviewer)
    return review


def test_a_blocked_review_is_made_approvable_in_bulk_and_a_second_reviewer_approves(live_server):
    load_reference_data()
    review = blocked_review()
    count = VendorRequirement.objects.filter(vendor=review.vendor).count()
    url = f"{live_server.url}/reviews/{review.pk}/"
    with browser() as new_page:
        page = new_page()
        sign_in(page, live_server.url, "reviewer", next_path=f"/reviews/{review.pk}/")
        assert f"{count} requirement(s) neither met" in page.locator("#blockers").inner_text()
        shoot(page, "review-blocked")
        assert axe_violations(page) == []
        page.get_by_role("link", name="Mark requirements met or grant exceptions on the vendor page").click()
        form = page.locator("#mark-met")
        for box in form.get_by_role("checkbox").all():
            box.check()
        evidence = form.get_by_label("Evidence (this vendor's unexpired documents)", exact=True)
        assert "Other vendor" not in evidence.inner_text()
        evidence.select_option(label="Acme CRM — Acme SOC 2 report")
        form.get_by_role("button", name="Mark met").click()
        page.get_by_text(f"{count} requirement(s) marked met.").wait_for()

        page.goto(url)
        page.locator("#move-approve").get_by_role("button", name="Approve").click()
        assert "The requester of a review cannot approve it." in page.locator("#move-approve").inner_text()
        sign_out(page)

        sign_in(page, live_server.url, "reviewer2", next_path=f"/reviews/{review.pk}/")
        assert "Nothing: you may approve this review." in page.locator("#blockers").inner_text()
        page.locator("#move-approve").get_by_label("Note for the record").fill("Evidence checked.")
        page.locator("#move-approve").get_by_role("button", name="Approve").click()
        page.get_by_text(f"Review #{review.pk} is now approved.").wait_for()
        shoot(page, "review-approved")
        assert axe_violations(page) == []
        assert page.errors == []

    review.refresh_from_db()
    assert (review.state, review.decided_by.username) == ("approved", "reviewer2")


@override_settings(SITE_URL="http://testserver-placeholder")
def test_a_buyer_asks_a_reviewer_approves_and_the_buyer_sees_approved_and_is_emailed(live_server, settings):
    settings.SITE_URL = live_server.url
    load_reference_data()
    SystemFactory(slug="platform-openai-com", name="API console (platform.openai.com)")
    buyer = UserFactory(role="procurement", username="buyer")
    reviewers()
    start = TODAY + datetime.timedelta(days=30)
    with browser() as new_page:
        page = new_page()
        buyer_fills_and_submits(page, live_server.url, start)
        assert axe_violations(page) == []
        page.get_by_role("link", name="Start a new request").click()
        assert axe_violations(page) == []
        sign_out(page)

        # The reviewer follows the link of the email they received.
        link = re.search(r"Open: (\S+)", mail.outbox[-1].body).group(1)
        assert link.startswith(live_server.url)
        page.goto(link)
        page.get_by_label("Username").fill("reviewer")
        page.get_by_label("Password").fill("correct-horse-battery")
        page.get_by_role("button", name="Sign in").click()
        page.locator("#move-start").get_by_role("button", name="Start review").click()
        review_url = page.url
        page.get_by_role("link", name="Pageview Analytics").first.click()
        document = page.locator("#add-document")
        document.get_by_label("Kind of document").select_option("soc2_type2")
        document.get_by_label("Title").fill("Pageview SOC 2")
        document.get_by_label("Expires on").fill((TODAY + datetime.timedelta(days=300)).isoformat())
        document.get_by_role("button", name="Add document").click()
        form = page.locator("#mark-met")
        for box in form.get_by_role("checkbox").all():
            box.check()
        form.get_by_label("Evidence (this vendor's unexpired documents)", exact=True).select_option(
            label="Pageview Analytics — Pageview SOC 2"
        )
        form.get_by_role("button", name="Mark met").click()
        page.goto(review_url)
        page.locator("#move-approve").get_by_role("button", name="Approve").click()
        page.get_by_role("button", name="Activate Pageview Analytics").click()
        page.get_by_text("Pageview Analytics is active.").wait_for()
        sign_out(page)

        sign_in(page, live_server.url, "buyer", next_path="/intake/")
        row = page.get_by_role("row", name="Pageview Analytics")
        assert "Approved" in row.inner_text()
        shoot(page, "intake-approved")
        assert axe_violations(page) == []
        assert page.errors == []

    assert Vendor.objects.get(slug="pageview-analytics").status == "active"
    assert IntakeRequest.objects.get().review.state == "approved"
    to_buyer = [message for message in mail.outbox if buyer.email in message.to]
    assert len(to_buyer) == 1 and "is now approved" in to_buyer[0].subject


def test_the_dashboard_shows_the_figures_and_each_chart_lists_what_it_counted(live_server):
    load_reference_data()
    reviewers()
    crm_vendor()
    for tier in (1, 1, 2, 3, 4):
        VendorFactory(tier=tier, status="active")
    VendorFactory(status="proposed")
    with browser() as new_page:
        page = new_page()
        sign_in(page, live_server.url, "reviewer")
        page.get_by_role("heading", name="Dashboard").wait_for()
        shoot(page, "dashboard")
        assert axe_violations(page) == []
        bars = page.locator("svg.chart a")
        figures = [
            (bars.nth(i).get_attribute("href"), bars.nth(i).locator("title").text_content())
            for i in range(bars.count())
        ]
        assert len(figures) > 30
        checked = 0
        for href, title in figures:
            count = int(title.rsplit(": ", 1)[1])
            if not count:
                continue
            page.goto(f"{live_server.url}{href}")
            listed = page.locator(".filter-summary").inner_text()
            assert listed.startswith(f"{count} "), (title, href, listed)
            checked += 1
        assert checked >= 6
        # A bar is a link: clicking "Tier 1 — critical" lists the two tier-1 vendors.
        page.goto(f"{live_server.url}/")
        page.locator("#vendors-by-tier a").first.click()
        assert page.locator(".filter-summary").inner_text().startswith("2 vendors")
        assert page.locator("table.rows tbody tr").count() == 2
        assert axe_violations(page) == []
        assert page.errors == []
