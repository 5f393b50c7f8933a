"""Formats of a report dict: json, md, html, csv. They format what the builder gave them and add no fact.

`render(report, fmt)` returns (text, content_type). CSV rows come from `csv_rows(report)`, a generator, and
`csv_lines(report)` writes them one line at a time, so a StreamingHttpResponse sends them as they are made.
"""

import csv
import hashlib
import json
from base64 import b64encode

from django.template.loader import render_to_string

from apps.incidents.choices import ExposureStatus

from .formatting import readable_time
from .svg import dataflow_svg

FORMATS = ("json", "md", "html", "csv")
CONTENT_TYPES = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
FILE_EXTENSIONS = {"json": "json", "md": "md", "html": "html", "csv": "csv"}

# The report's only style. It is embedded so the file is self-contained; when the register serves the report,
# the response's CSP allows exactly this block by its hash (see REPORT_STYLE_CSP_SOURCE) and nothing else.
REPORT_STYLE = (
    "body{font-family:sans-serif;margin:2rem;color:#1f2933;max-width:1300px}"
    "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #cbd2d9}"
    "table{border-collapse:collapse;margin:.5rem 0}"
    "th,td{border:1px solid #cbd2d9;padding:.25rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}"
    "th{background:#f0f4f8}.breached{color:#ab091e;font-weight:bold}.ok{color:#0b6e4f}"
    ".muted{color:#52606d}.diagram{overflow-x:auto}"
)
REPORT_STYLE_CSP_SOURCE = "'sha256-" + b64encode(hashlib.sha256(REPORT_STYLE.encode()).digest()).decode() + "'"


def render(report, fmt):
    """(text, content_type) of a report dict in one format (checked by apps.reports.responses.report_format)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        text = json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    elif fmt == "md":
        text = _markdown(report)
    elif fmt == "html":
        text = _html(report)
    else:
        text = "".join(csv_lines(report))
    return text, CONTENT_TYPES[fmt]


class _LineBuffer:
    """A file-like object whose write() hands back the line: csv.writer then yields text one row at a time."""

    def write(self, line):
        return line


def csv_lines(report):
    """The CSV text of a report, one line (a str) at a time: what a StreamingHttpResponse writes out."""
    writer = csv.writer(_LineBuffer(), lineterminator="\n")
    return (writer.writerow(row) for row in csv_rows(report))


# --- CSV


DATAFLOW_CSV_HEADER = (
    "vendor_slug",
    "flow_code",
    "system",
    "service",
    "mechanism",
    "category_code",
    "category_name",
    "sensitivity",
    "sharing",
    "data_subjects",
    "processing_countries",
    "starts_on",
    "ends_on",
)
INCIDENT_CSV_HEADER = (
    "incident_slug",
    "vendor_slug",
    "category_code",
    "category_name",
    "exposure",
    "source_key",
    "source_reliability",
    "note",
)


# A cell starting with one of these is a formula to a spreadsheet: register text must never run as one.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _safe(row):
    return tuple(f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v for v in row)


def csv_rows(report):
    """Header then one row per flow × category (data-flow) or per exposure (incident), formula-safe."""
    return (_safe(row) for row in _csv_rows(report))


def _csv_rows(report):
    if report["report"] == "dataflow":
        yield DATAFLOW_CSV_HEADER
        vendor = report["vendor"]
        for flow in report["flows"]:
            for sharing, categories in (("shared", flow["shared"]), ("not_shared", flow["not_shared"])):
                for category in categories:
                    yield (
                        vendor["slug"],
                        flow["code"],
                        flow["system"]["name"],
                        flow["service"]["name"],
                        flow["mechanism"],
                        category["code"],
                        category["name"],
                        category["sensitivity"],
                        sharing,
                        "; ".join(flow["data_subjects"]),
                        "; ".join(flow["processing_countries"]),
                        flow["starts_on"] or "",
                        flow["ends_on"] or "",
                    )
        return
    yield INCIDENT_CSV_HEADER
    for status, items in report["exposure"].items():
        for item in items:
            source = item.get("source") or {}
            yield (
                report["incident"]["slug"],
                report["vendor"]["slug"],
                item["code"],
                item["name"],
                status,
                source.get("key", ""),
                source.get("reliability_label", ""),
                item.get("note", ""),
            )


# --- Markdown


def _cell(value):
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(header, rows):
    if not rows:
        return ["None recorded."]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines


def _names(categories):
    return ", ".join(f"{c['name']} (`{c['code']}`)" for c in categories) or "—"


def _markdown(report):
    lines = _dataflow_md(report) if report["report"] == "dataflow" else _incident_md(report)
    return "\n".join(lines) + "\n"


def _dataflow_md(report):
    vendor = report["vendor"]
    lines = [
        f"# Data-flow report: {vendor['name']}",
        "",
        f"- Slug: `{vendor['slug']}`",
        f"- Status: {vendor['status_label']}",
        f"- Tier: {vendor['tier_label'] or 'not computed'}",
    ]
    lines += [f"  - why: {reason}" for reason in vendor["tier_reasons"]]
    lines += ["", "## Flows"]
    for flow in report["flows"]:
        lines += [
            "",
            f"### {flow['system']['name']} → {flow['service']['name']} (`{flow['code']}`)",
            "",
            f"- Mechanism: {flow['mechanism_label']} (`{flow['mechanism']}`)",
            f"- Purpose: {flow['purpose'] or '—'}",
            f"- Data subjects: {', '.join(flow['data_subjects']) or '—'}",
            f"- Processing countries: {', '.join(flow['processing_countries']) or '—'}; "
            f"storage: {', '.join(flow['storage_countries']) or '—'}",
            f"- Period: {flow['starts_on'] or '?'} → {flow['ends_on'] or 'ongoing'}",
            f"- Shared: {_names(flow['shared'])}",
            f"- Explicitly not shared: {_names(flow['not_shared'])}",
        ]
    lines += ["", "## Subprocessors", ""]
    lines += _table(
        ("Subprocessor", "Purpose", "Country", "Categories it may see"),
        [
            (s["name"], s["purpose"], s["country"], ", ".join(c["name"] for c in s["categories"]))
            for s in report["subprocessors"]
        ],
    )
    lines += ["", "## Contract terms", ""]
    lines += _table(
        ("Reference", "Starts", "Ends", "DPA signed", "Breach notification (h)"),
        [
            (c["reference"], c["starts_on"], c["ends_on"], c["dpa_signed_on"] or "no", c["breach_notification_hours"])
            for c in report["contracts"]
        ],
    )
    lines += ["", "## Requirements", ""]
    lines += _table(
        ("Code", "Title", "Status", "Due"),
        [(r["code"], r["title"], r["status_label"], r["due_on"]) for r in report["requirements"]],
    )
    lines += ["", "## Reviews", ""]
    lines += _table(
        ("Kind", "State", "Created", "Decided"),
        [
            (r["kind"], r["state_label"], readable_time(r["created_at"]), readable_time(r["decided_at"]))
            for r in report["reviews"]
        ],
    )
    lines += ["", "## Incidents", ""]
    lines += _table(
        ("Incident", "Severity", "Detected", "Exposed", "Not exposed"),
        [
            (
                i["title"],
                i["severity"],
                readable_time(i["vendor_detected_at"]),
                _names(i["exposure"]["exposed"]),
                _names(i["exposure"]["not_exposed"]),
            )
            for i in report["incidents"]
        ],
    )
    return lines


def _incident_md(report):
    incident, n = report["incident"], report["notification"]
    lines = [
        f"# Incident report: {incident['title']}",
        "",
        f"- Vendor: {report['vendor']['name']} (`{report['vendor']['slug']}`)",
        f"- Severity: {incident['severity']}; status: {incident['status']}",
        f"- Affected systems: {', '.join(s['name'] for s in report['affected_systems']) or '—'}",
        f"- Flows: {', '.join(f['code'] for f in report['flows']) or '—'}",
        f"- Data subjects: {', '.join(report['data_subjects']) or '—'}",
        "",
        "## Notification delay",
        "",
        f"- Vendor detected: {readable_time(n['vendor_detected_at']) or 'unknown'}",
        f"- Vendor first told us: {readable_time(n['vendor_notified_at']) or 'no recorded date'}",
        f"- We received the data set: {readable_time(n['dataset_received_at']) or 'not yet'}",
        f"- Delay: {_hours(n['delay_hours'])}",
        f"- Contract clause ({n['contract_reference']}): {_hours(n['contract_clause_hours'])} — "
        f"{_verdict(n['contract_breached'])}",
        f"- Against GDPR's {n['gdpr_hours']} h: {_verdict(n['vendor_delay_exceeds_gdpr_hours'], 'exceeded')}",
        f"- Our public disclosure: {readable_time(n['public_disclosure_at']) or 'not yet'}, "
        f"{_hours(n['disclosure_hours'])} after we became aware — GDPR Art. 33: {_verdict(n['gdpr_breached'])}",
        "",
        "## Exposure by category",
        "",
    ]
    rows = []
    for status, items in report["exposure"].items():
        for item in items:
            source = item.get("source") or {}
            rows.append((status, item["name"], item["code"], source.get("key", ""), source.get("reliability_label")))
    lines += _table(("Exposure", "Category", "Code", "Source", "Reliability"), rows)
    lines += ["", "## Conflicting claims", ""]
    lines += _table(
        ("About", "Claim", "Source", "Contradicted by", "Their statement"),
        [
            (
                (c["category"] or {}).get("name") or c["subject"],
                c["claim"],
                f"{c['source']['key']} ({c['source']['reliability']})",
                f"{c['contradicted_by']['source']['key']} ({c['contradicted_by']['source']['reliability']})",
                c["contradicted_by"]["statement"],
            )
            for c in report["conflicts"]
        ],
    )
    lines += ["", "## Timeline", ""]
    lines += _table(
        ("When", "What", "Source"),
        [
            (readable_time(e["occurred_at"]) or "date unknown", e["description"], e["source"] or "")
            for e in report["timeline"]
        ],
    )
    lines += ["", "## Response actions", ""]
    lines += [
        f"- {a['kind_label']}: {a['description']}" + (" (done)" if a["done_at"] else "") for a in report["actions"]
    ]
    lines += ["", "## Recommendations to affected people", ""]
    lines += [f"- {r['text']}" for r in report["recommendations"]]
    lines += ["", "## Scope amendments", ""]
    for amendment in report["amendments"]:
        lines.append(f"- v{amendment['version']} ({readable_time(amendment['amended_at'])}): {amendment['reason']}")
        lines += [f"  - {label}: {value}" for label, value in scope_lines(amendment.get("scope") or {})]
    if not report["amendments"]:
        lines.append("- none")
    return lines


def scope_lines(scope):
    """(label, text) pairs of one scope version: categories by exposure status, subjects, systems, flows."""
    exposures = scope.get("exposures", {})
    lines = [
        (ExposureStatus(status).label, ", ".join(codes))
        for status, codes in exposures.items()
        if codes and status in ExposureStatus.values
    ]
    for key, label in (("data_subjects", "data subjects"), ("systems", "systems"), ("flows", "flows")):
        lines.append((label, ", ".join(scope.get(key, ())) or "none"))
    return lines


def _hours(value):
    return "unknown" if value is None else f"{value} h"


def _verdict(flag, word="breached"):
    return {True: word.upper(), False: "within", None: "cannot tell"}[flag]


# --- HTML


def _html(report):
    if report["report"] == "dataflow":
        diagram = dataflow_svg(
            vendor_name=report["vendor"]["name"], flows=report["flows"], subprocessors=report["subprocessors"]
        )
        template = "reports/dataflow_report.html"
    else:
        diagram = dataflow_svg(
            vendor_name=report["vendor"]["name"], flows=report["flows"], subprocessors=[], title="Affected flows"
        )
        template = "reports/incident_report.html"
    context = {"report": report, "diagram": diagram, "style": REPORT_STYLE}
    if report["report"] == "incident":
        context["amendments"] = [{**a, "scope_lines": scope_lines(a.get("scope") or {})} for a in report["amendments"]]
        context["exposure_rows"] = [
            {**item, "status_label": str(ExposureStatus(status).label)}
            for status, items in report["exposure"].items()
            for item in items
        ]
    return render_to_string(template, context)
