"""The HTML report as a reader sees it: rendered by headless Chromium with every network request refused."""

import pytest

from apps.reports.builders import build_dataflow_report, build_incident_report
from apps.reports.renderers import render
from tests.conftest import CHROMIUM

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _render_in_chromium(html, screenshot=None):
    from playwright.sync_api import sync_playwright

    requests = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})

            def refuse(route):
                requests.append(route.request.url)
                route.abort()

            page.route("**/*", refuse)
            page.set_content(html, wait_until="load")
            svg = page.locator("svg#dataflow-diagram")
            box = svg.bounding_box()
            visible = svg.is_visible()
            labels = page.locator("svg#dataflow-diagram text").all_text_contents()
            font = page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily")
            if screenshot:
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return {"box": box, "visible": visible, "labels": labels, "requests": requests, "font": font}


@pytest.mark.browser
def test_dataflow_report_shows_its_diagram_with_no_network(mixpanel, tmp_path):
    vendor, _ = mixpanel
    html, _ = render(build_dataflow_report(vendor=vendor), "html")
    seen = _render_in_chromium(html, screenshot=tmp_path / "dataflow.png")

    assert seen["visible"]
    assert seen["box"]["width"] > 0 and seen["box"]["height"] > 0
    assert seen["requests"] == [], "a self-contained report asks the network for nothing"
    assert "Mixpanel" in seen["labels"] and "API console front end" in seen["labels"]
    assert any("Email address" in label for label in seen["labels"])
    assert "sans-serif" in seen["font"], "the embedded style applies"
    assert (tmp_path / "dataflow.png").stat().st_size > 0


@pytest.mark.browser
def test_incident_report_renders_with_no_network(mixpanel):
    _, incident = mixpanel
    html, _ = render(build_incident_report(incident=incident), "html")
    seen = _render_in_chromium(html)
    assert seen["visible"] and seen["box"]["width"] > 0
    assert seen["requests"] == []
