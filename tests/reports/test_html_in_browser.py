"""The HTML report as a reader sees it: rendered by headless Chromium with every network request refused."""

import pytest
from django.urls import reverse

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


@pytest.mark.browser
def test_served_report_keeps_its_style_under_the_csp_of_the_admin_view(client, reviewer, mixpanel):
    """Served with the view's CSP, Chromium applies the report's own style (allowed by hash) and nothing else."""
    from playwright.sync_api import sync_playwright

    vendor, _ = mixpanel
    client.force_login(reviewer)
    response = client.get(reverse("reports:vendor-dataflow", args=[vendor.slug]))
    policy = response["Content-Security-Policy"]
    body = response.content.decode()
    injected = body.replace("</body>", "<style>h1{color:rgb(255, 0, 0)}</style></body>")
    url = "https://register.test/report"
    violations = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda message: violations.append(message.text))

            def serve_only_the_report(route):
                if route.request.url == url:
                    route.fulfill(body=injected, content_type="text/html", headers={"Content-Security-Policy": policy})
                else:
                    route.abort()

            page.route("**/*", serve_only_the_report)
            page.goto(url)
            font = page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily")
            colour = page.locator("h1").evaluate("e => getComputedStyle(e).color")
            box = page.locator("svg#dataflow-diagram").bounding_box()
        finally:
            browser.close()
    assert "sans-serif" in font, "the report's own style block is allowed by its hash"
    assert colour != "rgb(255, 0, 0)", "an injected style block is refused"
    assert any("Content Security Policy" in text for text in violations)
    assert box["width"] > 0 and box["height"] > 0
