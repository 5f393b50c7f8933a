"""Helpers of the workspace's browser tests: Debian's headless Chromium, screenshots under tests/artifacts/, and
axe-core (the npm package, from node_modules: no CDN) run against our pages.

Playwright's sync API runs an event loop in the test's thread, and Django refuses ORM calls under a running loop:
the tests touch the database only before the browser starts and after it stops (see tests/intake/test_intake_browser).
"""

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import CHROMIUM

ARTIFACTS = Path(settings.BASE_DIR) / "tests" / "artifacts"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PASSWORD = "correct-horse-battery"
# WCAG 2.2 AA, as axe tags it.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@contextmanager
def browser():
    """Yields new_page(): each page records console errors and failed responses in `page.errors`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM or "/usr/bin/chromium", args=CHROMIUM_ARGS)
        contexts = []

        def new_page():
            context = chromium.new_context(viewport={"width": 1280, "height": 900})
            contexts.append(context)
            page = context.new_page()
            page.errors = page.console_errors = []  # console_errors: the name the intake helpers read
            page.on("console", lambda message: _console(page, message))
            page.on("response", lambda response: response.status >= 500 and page.errors.append(response.url))
            # Anything fetched from another origin is a failure of the register's first rule.
            page.on("request", lambda request: _foreign(page, request))
            return page

        try:
            yield new_page
        finally:
            for context in contexts:
                context.close()
            chromium.close()


def _console(page, message):
    # A form refused with 400 or 409 is the page doing its job (the errors are shown in place); Chromium still
    # logs the status. Anything else logged as an error (a CSP violation, a script error) fails the story.
    if message.type == "error" and not re.match(r"Failed to load resource: .* status of 4(00|09)", message.text):
        page.errors.append(message.text)


def _foreign(page, request):
    base = page.url.split("/", 3)[:3]
    if (
        request.url.startswith(("http://", "https://"))
        and request.url.split("/", 3)[:3] != base
        and page.url != "about:blank"
    ):
        page.errors.append(f"foreign request: {request.url}")


def sign_in(page, base_url, username, next_path="/"):
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def shoot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def axe_violations(page):
    """Serious and critical axe-core violations on the page as it is now.

    The script is evaluated through the DevTools protocol, which the page's CSP does not govern, so the page
    itself is checked under its real `script-src 'self'` policy.
    """
    if not AXE.exists():
        # `make test` installs it with npm; a machine without npm skips the check, CI (which has npm) fails.
        if os.environ.get("VENDORRISK_REQUIRE_SERVICES") == "1":
            pytest.fail(f"CI requires axe-core: {AXE} is missing (npm ci)")
        pytest.skip("axe-core is not installed (npm ci): the accessibility check is skipped")
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
