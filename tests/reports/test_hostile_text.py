"""Register text is user input: in every export format it stays text, never markup, a link or a formula."""

import csv
import io
import json

import pytest
from markdown_it import MarkdownIt

from apps.reports.builders import build_dataflow_report, build_incident_report
from apps.reports.renderers import render
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.incidents import IncidentExposureFactory, IncidentFactory, IncidentSourceFactory
from tests.factories.vendors import VendorFactory, VendorServiceFactory

IMG = '<img src=x onerror="alert(1)">'
LINK = "[click me](javascript:alert(1))"
AUTOLINK = "<javascript:alert(2)>"
HEADING = "Acme\n# Forged heading\n- forged item"
FORMULA = "a;=1+1"


@pytest.fixture
def hostile_vendor(db):
    vendor = VendorFactory(slug="acme", display_name=f"{IMG} {HEADING}", website="javascript:alert(3)")
    service = VendorServiceFactory(vendor=vendor, name=LINK)
    system = SystemFactory(slug="console", name=AUTOLINK)
    category = DataCategoryFactory(code="email-address", name=f"{IMG}|{FORMULA}")
    DataFlowFactory(
        service=service,
        system=system,
        purpose=f"{LINK} **bold** `code` {HEADING}",
        data_subjects=[FORMULA, '=HYPERLINK("http://evil")', "users|@SUM(1)"],
        shared=[category],
    )
    return vendor


@pytest.fixture
def hostile_incident(hostile_vendor):
    incident = IncidentFactory(vendor=hostile_vendor, slug="breach", title=f"{HEADING} {IMG}")
    source = IncidentSourceFactory(incident=incident, key="press", title=LINK, url="javascript:alert(4)")
    IncidentSourceFactory(incident=incident, key="notice", title="Official", url="https://vendor.example/notice")
    IncidentExposureFactory(
        incident=incident, category=hostile_vendor.services.get().flows.get().categories.get(), source=source
    )
    return incident


def rendered_markdown(text):
    return MarkdownIt("commonmark").enable("table").render(text)


def assert_inert(html, *, headings):
    assert "<img" not in html
    assert "onerror=" not in html.replace("onerror=&quot;", "")  # only ever as escaped text
    assert 'href="javascript:' not in html.lower()
    assert "<strong>" not in html and "<code>code</code>" not in html
    assert html.count("<h1>") == 1
    assert html.count("<h2>") == headings


def test_markdown_dataflow_report_escapes_every_user_text(hostile_vendor):
    text, _ = render(build_dataflow_report(vendor=hostile_vendor), "md")
    assert text.count("\n# ") == 0 and text.startswith("# Data-flow report: ")
    assert_inert(rendered_markdown(text), headings=6)
    # The words survive, as text.
    assert "Forged heading" in text and "click me" in text and "javascript:alert(1)" in text


def test_markdown_incident_report_escapes_and_links_only_http(hostile_incident):
    text, _ = render(build_incident_report(incident=hostile_incident), "md")
    html = rendered_markdown(text)
    assert_inert(html, headings=text.count("\n## "))
    assert 'href="https://vendor.example/notice"' in html
    assert "javascript:alert(4)" not in text  # an unsafe source address is left out, its title kept (as text)
    assert "click me" in text


def test_html_report_escapes_every_user_text(hostile_vendor, hostile_incident):
    for report in (build_dataflow_report(vendor=hostile_vendor), build_incident_report(incident=hostile_incident)):
        text, _ = render(report, "html")
        assert "<img" not in text
        assert 'href="javascript:' not in text.lower()
        assert "&lt;img" in text


def test_json_keeps_the_text_exactly_as_data(hostile_vendor, hostile_incident):
    report = json.loads(render(build_dataflow_report(vendor=hostile_vendor), "json")[0])
    assert report["vendor"]["name"] == f"{IMG} {HEADING}"
    assert report["flows"][0]["data_subjects"][0] == FORMULA
    incident = json.loads(render(build_incident_report(incident=hostile_incident), "json")[0])
    assert incident["incident"]["title"] == f"{HEADING} {IMG}"


def spreadsheet_cells(text, separator):
    """What a spreadsheet that splits on `separator` puts in each cell, ignoring CSV quoting as some do."""
    return [cell.strip('"') for line in text.splitlines() for cell in line.split(separator)]


@pytest.mark.parametrize("kind", ["dataflow", "incident"])
def test_csv_quotes_every_cell_and_no_cell_starts_a_formula_whatever_the_separator(
    kind, hostile_vendor, hostile_incident
):
    report = (
        build_dataflow_report(vendor=hostile_vendor)
        if kind == "dataflow"
        else build_incident_report(incident=hostile_incident)
    )
    text, _ = render(report, "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert all(line.startswith('"') and line.endswith('"') for line in text.splitlines())
    for separator in (",", ";", "\t", "|"):
        for cell in spreadsheet_cells(text, separator):
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), (separator, cell)
    # Read as CSV, the values are still there, only defused.
    flat = [cell for row in rows for cell in row]
    assert any("a;'=1+1" in cell for cell in flat)
