"""End to end in real headless Chromium: a reviewer sends a questionnaire from the admin; the vendor's contact opens
the emailed link, enters the one-time code, answers, uploads a PDF, saves, comes back, submits; the reviewer accepts
answers, applies them to the vendor's requirement statuses, and a follow-up reopens one question.

Set QUESTIONNAIRE_SCREENSHOT_DIR to keep screenshots (the README's picture of the portal comes from here).
"""

import datetime
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from apps.questionnaires.choices import QuestionnaireState
from apps.questionnaires.models import Answer, Questionnaire
from apps.questionnaires.services import bank_install_standard
from apps.risk.models import VendorRequirement
from tests.factories.accounts import UserFactory
from tests.intake.conftest import load_reference_data
from tests.intake.test_intake_browser import CHROMIUM, CHROMIUM_ARGS

from .conftest import LINK, PDF, make_vendor

SCREENSHOTS = os.environ.get("QUESTIONNAIRE_SCREENSHOT_DIR")

# As in tests/intake/test_intake_browser.py: no database access while the browser is open (Django refuses ORM
# calls under Playwright's running loop). Emails are read from mail.outbox, which is only memory.


@contextmanager
def two_browsers():
    """The reviewer's and the vendor's browsers: one Chromium, two contexts (no cookie is shared)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM or "/usr/bin/chromium", args=CHROMIUM_ARGS)
        pages = []
        for _ in range(3):
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            page = context.new_page()
            page.console_errors = []
            page.on("console", lambda m, page=page: m.type == "error" and page.console_errors.append(m.text))
            pages.append(page)
        try:
            yield pages
        finally:
            browser.close()


def shoot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"portal-{name}.png"), full_page=name != "questionnaire")


def mail_to(address, pattern):
    for message in reversed(mail.outbox):
        if message.to == [address] and re.search(pattern, message.body):
            return message
    raise AssertionError(f"no email to {address} matching {pattern}: {[m.subject for m in mail.outbox]}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reviewer_sends_vendor_answers_reviewer_accepts(live_server, tmp_path):
    load_reference_data()
    bank_install_standard()
    vendor, contact = make_vendor("acme-analytics", tier=3)
    UserFactory(role="security-reviewer", username="reviewer")
    due = timezone.localdate() + datetime.timedelta(days=21)
    pdf = tmp_path / "dpa-signed.pdf"
    pdf.write_bytes(PDF)
    before = dict(VendorRequirement.objects.filter(vendor=vendor).values_list("requirement__code", "status"))
    assert before == {
        "security-questionnaire": "not_met",
        "signed-dpa": "not_met",
        "breach-notification-72h": "not_met",
    }

    with two_browsers() as (reviewer, vendor_page, vendor_later):
        reviewer_sends(reviewer, live_server.url, vendor, contact, due)
        link = LINK.search(mail_to(contact.email, "/portal/").body).group(0)
        assert link.startswith("/portal/")
        vendor_answers(vendor_page, live_server.url + link, contact.email, pdf)
        reviewer_reviews(reviewer, live_server.url)
        vendor_sees_the_follow_up(vendor_later, live_server.url, contact.email)

    questionnaire = Questionnaire.objects.get(vendor=vendor)
    after = dict(VendorRequirement.objects.filter(vendor=vendor).values_list("requirement__code", "status"))
    assert after["signed-dpa"] == "met"  # DPR-01 yes, with the signed DPA attached, accepted
    assert after["breach-notification-72h"] == "not_met"  # INC-01 answered no, accepted
    evidence = VendorRequirement.objects.get(vendor=vendor, requirement__code="signed-dpa").evidence
    assert evidence.vendor == vendor and evidence.file.read().startswith(b"%PDF")
    assert questionnaire.state == QuestionnaireState.RETURNED
    reopened = Answer.objects.get(questionnaire=questionnaire, question__code="SEC-01")
    assert (reopened.review, reopened.review_comment) == ("follow_up", "Please attach the tester's letter.")


def vendor_sees_the_follow_up(page, base, email):
    """From the link in the follow-up email, in a new browser: the code again, then only SEC-01 is open."""
    page.goto(base + LINK.search(mail_to(email, "new link").body).group(0))
    page.get_by_role("button", name="Email me a code").click()
    code = re.search(r": (\d{6})", mail_to(email, "code to open").body).group(1)
    page.get_by_label("One-time code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Follow-up from the reviewer").wait_for()
    assert "Please attach the tester's letter." in page.content().replace("&#x27;", "'")
    assert page.locator("fieldset.question input[type=radio]").count() == 3  # only the reopened question
    assert page.console_errors == []


def reviewer_sends(page, base, vendor, contact, due):
    page.goto(f"{base}/admin/login/?next=/admin/questionnaires/questionnaire/add/")
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Vendor").select_option(label=str(vendor))
    page.get_by_label("Contact").select_option(label=str(contact))
    page.get_by_label("Due on").fill(due.isoformat())
    page.get_by_label("One-time code required").select_option("true")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert "was added successfully" in page.content(), page.locator(".errorlist, .errornote").all_inner_texts()


def vendor_answers(page, link, email, pdf):
    page.goto(link)
    assert "/portal/code/" in page.url  # nothing is shown before the code
    assert "GOV-01" not in page.content()
    page.get_by_role("button", name="Email me a code").click()
    code = re.search(r": (\d{6})", mail_to(email, "code to open").body).group(1)
    page.get_by_label("One-time code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=re.compile("Security questionnaire for")).wait_for()
    assert "0 of 12 answered" in page.content()

    def answer(code, choice):
        page.locator(f"fieldset:has(legend:has-text('{code}'))").get_by_label(choice, exact=True).check()

    # Part of it, with the signed DPA attached; save; come back later from the same link.
    answer("GOV-01", "SOC 2 Type I")
    answer("DPR-01", "Yes")
    page.locator("fieldset:has(legend:has-text('DPR-01')) input[type=file]").set_input_files(str(pdf))
    answer("INC-01", "No")
    page.get_by_role("button", name="Save answers").click()
    page.get_by_text("Your answers are saved").wait_for()
    assert "3 of 12 answered" in page.content()
    shoot(page, "questionnaire")
    page.goto("about:blank")
    page.goto(link)
    page.get_by_role("heading", name=re.compile("Security questionnaire for")).wait_for()
    assert "3 of 12 answered" in page.content() and "dpa-signed.pdf" in page.content()

    for code in ("GOV-02",):
        page.locator(f"fieldset:has(legend:has-text('{code}')) input[type=date]").fill("2026-06-30")
    for code in ("GOV-05", "DPR-02", "DPR-04", "DPR-07", "SEC-01", "INC-02", "SUP-01"):
        answer(code, "Yes")
    page.locator("fieldset:has(legend:has-text('IAM-01'))").get_by_label("Single sign-on").check()
    page.get_by_role("button", name="Save answers").click()
    page.get_by_text("12 of 12 answered").wait_for()
    page.get_by_role("button", name="Submit the questionnaire").click()
    page.get_by_text("Thank you: your answers are submitted").wait_for()
    assert page.get_by_role("button", name="Save answers").count() == 0  # read-only now
    shoot(page, "submitted")
    assert page.console_errors == []


def _row(page, code):
    return page.locator(f"#answers-group tr:has(td.field-question_code:has-text('{code}'))")


def reviewer_reviews(page, base):
    page.goto(f"{base}/admin/questionnaires/questionnaire/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("questionnaire_start_review")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("Start review: 1").wait_for()

    page.locator("#result_list tbody tr th a").first.click()
    page.get_by_text("proposed requirement statuses", exact=False).first.wait_for()
    _row(page, "DPR-01").locator("select").select_option("accepted")
    _row(page, "INC-01").locator("select").select_option("accepted")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()

    page.goto(f"{base}/admin/questionnaires/questionnaire/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("questionnaire_apply")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("Apply accepted answers to requirement statuses: 1").wait_for()

    page.locator("#result_list tbody tr th a").first.click()
    _row(page, "SEC-01").locator("select").select_option("follow_up")
    _row(page, "SEC-01").locator("textarea").fill("Please attach the tester's letter.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    # Django's admin asks for /favicon.ico, which the register does not serve; nothing else may fail.
    assert [e for e in page.console_errors if "404" not in e] == []
