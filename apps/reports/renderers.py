"""Formats of a report dict: json, md, html, csv. They format what the builder gave them and add no fact.

`render(report, fmt)` returns (text, content_type). JSON and CSV are also written piece by piece by
`text_chunks(report, fmt)`, in chunks of about 64 KB, so that a StreamingHttpResponse sends a streamed report
(build_dataflow_report(stream=True)) as its rows are read; the text is the same as render()'s.
"""

import csv
import hashlib
import re
from base64 import b64encode

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _t

from apps.incidents.choices import ExposureStatus, Reliability

from .formatting import readable_time
from .jsontext import chunked, json_pieces, materialise
from .labels import report_labels
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
    # Print: the browser's "Save as PDF" gives a clean document: no page-wide margins, tables kept whole where they
    # fit, headings kept with what follows, colours printed as they read on screen.
    "@media print{@page{size:A4;margin:15mm}body{margin:0;max-width:none;font-size:10pt}"
    "h2{break-after:avoid;page-break-after:avoid}tr,svg{break-inside:avoid;page-break-inside:avoid}"
    ".diagram{overflow:visible}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit}}"
)
REPORT_STYLE_CSP_SOURCE = "'sha256-" + b64encode(hashlib.sha256(REPORT_STYLE.encode()).digest()).decode() + "'"


STREAMED_FORMATS = ("json", "csv")


def render(report, fmt):
    """(text, content_type) of a report dict in one format (checked by apps.reports.responses.report_format)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    with translation.override(report.get("lang", "en")):
        return _render(report, fmt)


def _render(report, fmt):
    if fmt in STREAMED_FORMATS:
        text = "".join(_pieces(report, fmt))
    elif fmt == "md":
        text = _markdown(materialise(report))
    else:
        text = _html(materialise(report))
    return text, CONTENT_TYPES[fmt]


def _pieces(report, fmt):
    # The same text as json.dumps(report, indent=2, ensure_ascii=False) + "\n" (see apps.reports.jsontext).
    return json_pieces(report) if fmt == "json" else csv_lines(report)


def text_chunks(report, fmt):
    """The JSON or CSV text of a report in chunks of about 64 KB, made as they are asked for. Nothing in them is
    translated at that point: a streamed report has made its labels when it was built, in its language."""
    if fmt not in STREAMED_FORMATS:
        raise ValueError(f"{fmt} is rendered whole: use render()")
    return chunked(_pieces(report, fmt))


class _Lines(list):
    """A file-like object collecting what csv.writer writes, so a batch of rows becomes one piece of text."""

    write = list.append


def csv_lines(report):
    """The CSV text of a report, a batch of lines (a str) at a time: what a StreamingHttpResponse writes out."""
    # Every cell quoted: a reader splitting on another separator still sees one cell, never a bare formula.
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for batch in _batches(csv_rows(report), 20):  # ~4 KB: pieces of the 64 KB chunks
        writer.writerows(batch)
        yield "".join(lines)
        lines.clear()


def _batches(rows, size):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


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


# A cell starting with one of these is a formula to a spreadsheet: register text must never run as one. Not only
# at the start: a spreadsheet that splits on `;` (French, Spanish locales), `|` or tab turns `a;=1+1` into a cell
# `=1+1`, so a prefix after any separator (and the spaces before it) gets the same leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = re.compile(r"(^|[,;\t|])( *)(?=[=+\-@\t\r])")


def _neutralise(value):
    return _FORMULA_START.sub(r"\1\2'", value) if isinstance(value, str) else value


def csv_rows(report):
    """Header then one row per flow × category (data-flow) or per exposure (incident), formula-safe."""
    # A cell's text recurs on every row of its flow and every flow of its category: neutralise each text once.
    safe = {}

    def neutralised(value):
        if not isinstance(value, str):
            return value
        result = safe.get(value)
        if result is None:
            if len(safe) > 10_000:  # a bound, so that a streamed 5,000-flow report stays flat in memory
                safe.clear()
            result = safe[value] = _neutralise(value)
        return result

    return (tuple(map(neutralised, row)) for row in _csv_rows(report))


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
#
# Every value from the register is user-supplied text: a vendor named `<img src=x onerror=…>`, a purpose holding
# `[click](javascript:…)` or a description starting a new line with `# Forged heading` must come out as that
# text, inert. `_md` escapes Markdown's punctuation and HTML's specials and folds newlines; `_code` writes a
# code span; `_link` writes a link only to an http(s) address. Only the report's own words are left raw.

# Punctuation that starts emphasis, code, links, images, headings, tables, strikethrough or an escape.
_MARKDOWN_SPECIALS = "\\`*_[]#|!~"
_HTML_SPECIALS = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_MARKDOWN_ESCAPES = str.maketrans(
    {**{ch: "\\" + ch for ch in _MARKDOWN_SPECIALS}, **_HTML_SPECIALS, "\n": " ", "\r": " "}
)
SAFE_LINK_SCHEMES = ("http://", "https://")


def _md(value):
    """User text as inert Markdown: no markup, no HTML, no line break that could start a heading or a list."""
    return "" if value is None else str(value).translate(_MARKDOWN_ESCAPES)


def _code(value):
    """A code span; text holding a backtick (it would close the span early) is written escaped instead."""
    text = "" if value is None else str(value)
    if "`" in text or "\n" in text or "\r" in text:
        return _md(text)
    return f"`{text}`"


def _link(label, url):
    """`[label](url)` for an http(s) address; any other scheme (javascript:, data:…) gives the label alone."""
    address = (url or "").strip()
    if not address.lower().startswith(SAFE_LINK_SCHEMES) or any(ch in address for ch in " <>()\n\r"):
        return _md(label)
    return f"[{_md(label)}](<{address}>)"


def _table(header, rows, *, empty=None):
    """A Markdown table; each cell is already Markdown (escaped by the caller), so only `|` and newlines matter."""
    if not rows:
        return [empty if empty is not None else _t("None recorded.")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines


def _cell(markdown):
    # Escaped text has no bare `|`; code spans may, and a pipe there would still split the cell.
    text = "" if markdown is None else str(markdown)
    return re.sub(r"(?<!\\)\|", r"\\|", text).replace("\n", " ")


def _names(categories):
    return ", ".join(f"{_md(c['name'])} ({_code(c['code'])})" for c in categories) or "—"


def _list(values):
    return ", ".join(_md(v) for v in values) or "—"


def _markdown(report):
    lines = _dataflow_md(report) if report["report"] == "dataflow" else _incident_md(report)
    return "\n".join(lines) + "\n"


def _dataflow_md(report):
    vendor = report["vendor"]
    lines = [
        f"# {_t('Data-flow report')}: {_md(vendor['name'])}",
        "",
        f"- {_t('Slug')}: {_code(vendor['slug'])}",
        f"- {_t('Website')}: {_link(vendor.get('website'), vendor.get('website')) or '—'}",
        f"- {_t('Status')}: {_md(vendor['status_label'])}",
        f"- {_t('Tier')}: {_md(vendor['tier_label']) or _t('not computed')}",
    ]
    prov, L = report["provenance"], report_labels()
    lines += [
        f"- {L['generated_at']}: {readable_time(prov['generated_at'])}",
        f"- {L['register_as_of']}: {readable_time(prov['register_as_of'])}",
        f"- {L['generated_by']}: {_md(prov['generated_by']) or L['not_recorded']}",
    ]
    lines += [f"  - {_t('why')}: {_md(reason)}" for reason in vendor["tier_reasons"]]
    lines += ["", "## " + _t("Flows")]
    for flow in report["flows"]:
        lines += [
            "",
            f"### {_md(flow['system']['name'])} → {_md(flow['service']['name'])} ({_code(flow['code'])})",
            "",
            f"- {_t('Mechanism')}: {_md(flow['mechanism_label'])} ({_code(flow['mechanism'])})",
            f"- {_t('Purpose')}: {_md(flow['purpose']) or '—'}",
            f"- {_t('Data subjects')}: {_list(flow['data_subjects'])}",
            f"- {_t('Processing countries')}: {_list(flow['processing_countries'])}; "
            f"{_t('storage')}: {_list(flow['storage_countries'])}",
            f"- {_t('Period')}: {_md(flow['starts_on']) or '?'} → {_md(flow['ends_on']) or _t('ongoing')}",
            f"- {_t('Shared')}: {_names(flow['shared'])}",
            f"- {_t('Explicitly not shared')}: {_names(flow['not_shared'])}",
        ]
    lines += ["", "## " + _t("Subprocessors"), ""]
    lines += _table(
        (_t("Subprocessor"), _t("Purpose"), _t("Country"), _t("Categories it may see")),
        [
            (_md(s["name"]), _md(s["purpose"]), _md(s["country"]), _list(c["name"] for c in s["categories"]))
            for s in report["subprocessors"]
        ],
    )
    lines += ["", "## " + _t("Contract terms"), ""]
    lines += _table(
        (_t("Reference"), _t("Starts"), _t("Ends"), _t("DPA signed"), _t("Breach notification (h)")),
        [
            (
                _md(c["reference"]),
                _md(c["starts_on"]),
                _md(c["ends_on"]),
                _md(c["dpa_signed_on"]) or _t("no"),
                _md(c["breach_notification_hours"]),
            )
            for c in report["contracts"]
        ],
    )
    lines += ["", "## " + _t("Requirements"), ""]
    lines += _table(
        (_t("Code"), _t("Title"), _t("Status"), _t("Due")),
        [(_md(r["code"]), _md(r["title"]), _md(r["status_label"]), _md(r["due_on"])) for r in report["requirements"]],
    )
    lines += ["", "## " + _t("Reviews"), ""]
    lines += _table(
        (_t("Kind"), _t("State"), _t("Created"), _t("Decided")),
        [
            (
                _md(r["kind_label"]),
                _md(r["state_label"]),
                readable_time(r["created_at"]),
                readable_time(r["decided_at"]),
            )
            for r in report["reviews"]
        ],
    )
    lines += ["", "## " + _t("Incidents"), ""]
    lines += _table(
        (_t("Incident"), _t("Severity"), _t("Detected"), _t("Exposed"), _t("Not exposed")),
        [
            (
                _md(i["title"]),
                _md(i["severity_label"]),
                readable_time(i["vendor_detected_at"]),
                _names(i["exposure"]["exposed"]),
                _names(i["exposure"]["not_exposed"]),
            )
            for i in report["incidents"]
        ],
    )
    return lines


def _incident_md(report):
    L = report_labels()
    incident, n = report["incident"], report["notification"]
    prov = report["provenance"]
    records = report["affected_records"]

    def hours(value):
        return L["unknown"] if value is None else L["hours"] % {"hours": value}

    def verdict(flag):
        return {True: L["breached"], False: L["within"], None: L["cannot_tell"]}[flag]

    def source_text(source):
        return f"{_md(source['title'])} ({_md(source['reliability_label'])})" if source else ""

    lines = [
        f"# {L['title']}: {_md(incident['title'])}",
        "",
        f"## {L['provenance']}",
        "",
        f"- {L['generated_at']}: {readable_time(prov['generated_at'])}",
        f"- {L['register_as_of']}: {readable_time(prov['register_as_of'])}",
        f"- {L['generated_by']}: {_md(prov['generated_by']) or L['not_recorded']}",
    ]
    approvals = [
        f"{a['lang']}: " + L["approved_by"] % {"user": _md(a["approved_by"]), "when": readable_time(a["approved_at"])}
        for a in prov["notice_approvals"]
    ]
    lines.append(f"- {L['approvals']}: {'; '.join(approvals) or L['not_approved']}")
    lines += [
        "",
        f"- {L['vendor']}: {_md(report['vendor']['name'])}",
        f"- {L['severity']}: {_md(incident['severity_label'])}; {L['status']}: {_md(incident['status_label'])}",
        f"- {L['where']}: {_md(incident['breach_location']) or L['not_recorded']}",
        f"- {L['affected_systems']}: {_list(s['name'] for s in report['affected_systems'])}",
        f"- {L['flows']}: "
        + (", ".join(f"{_md(f['system']['name'])} → {_md(f['service']['name'])}" for f in report["flows"]) or "—"),
        f"- {L['data_subjects']}: {_list(report['data_subjects'])}",
        f"- {L['affected_records']}: {L['records_incident']} {_md(records['incident_estimate']) or L['unknown']}; "
        f"{L['records_flows']} {_md(records['flows_estimate']) or L['unknown']}"
        + (
            f" ({L['records_unknown_flows']}: {records['flows_without_estimate']})"
            if records["flows_without_estimate"]
            else ""
        ),
        f"- {L['risk']}: {_md(incident['risk_to_individuals_label'])}",
        f"- {L['our_systems']}: "
        + {True: L["yes"], False: L["no"], None: L["not_recorded"]}[incident["our_systems_breached"]],
        f"- {L['authority']}: {_md(incident['supervisory_authority']) or L['not_recorded']}"
        + (f" ({L['reference']} {_md(incident['sa_reference'])})" if incident["sa_reference"] else ""),
        "",
        f"## {L['vendor_clock']}",
        "",
        f"- {L['vendor_detected']}: {readable_time(n['vendor_detected_at']) or L['not_recorded']}",
        f"- {L['vendor_told_us']}: {readable_time(n['vendor_notified_at']) or L['not_recorded']}",
        f"- {L['dataset_received']}: {readable_time(n['dataset_received_at']) or L['not_recorded']}",
        f"- {L['delay']}: {hours(n['delay_hours'])}",
        f"- {L['contract_clause']} ({_md(n['contract_reference']) or L['no_contract']}): "
        + (
            f"{hours(n['contract_clause_hours'])}: {verdict(n['contract_breached'])}"
            if n["contract_clause_hours"] is not None
            else L["contract_silent"]
        ),
        "",
        f"## {L['clocks']}",
        "",
    ]
    lines += _table(
        (L["obligation"], L["duty"], L["verdict"], L["why"]),
        [
            (
                f"{_md(c['law_label'])} {_md(c['article'])}",
                _md(c["duty"]),
                _md(c["status_label"]).upper() if c["status"] == "breached" else _md(c["status_label"]),
                _md(c["reason"]),
            )
            for c in report["clocks"]
        ],
    )
    lines += ["", f"## {L['moments']}", ""]
    lines += _table(
        (L["moment"], L["when"], L["source"]),
        [
            (_md(m["label"]).capitalize(), readable_time(m["at"]) or L["not_recorded"], source_text(m["source"]))
            for m in report["moments"]
        ],
    )
    lines += ["", f"## {L['exposure']}", ""]
    rows = []
    for status, items in report["exposure"].items():
        for item in items:
            rows.append(
                (
                    _md(str(ExposureStatus(status).label)),
                    _md(item["name"]),
                    _code(item["code"]),
                    source_text(item.get("source")),
                )
            )
    lines += _table((L["exposure_col"], L["category"], L["code"], L["source"]), rows)
    lines += ["", f"## {L['sources']}", ""]
    lines += [
        f"- {_link(s['title'], s.get('url'))} ({_md(s['reliability_label'])}; {_md(s['language'])})"
        for s in report.get("sources", [])
    ] or [f"- {L['none']}"]
    lines += ["", f"## {L['conflicts']}", ""]
    lines += _table(
        (L["about"], L["claim"], L["source"], L["contradicted_by"], L["their_statement"]),
        [
            (
                _md((c["category"] or {}).get("name") or c["subject"]),
                _md(c["claim"]),
                f"{_md(c['source']['title'])} ({_md(_reliability(c['source']['reliability']))})",
                "{} ({})".format(
                    _md(c["contradicted_by"]["source"]["title"]),
                    _md(_reliability(c["contradicted_by"]["source"]["reliability"])),
                ),
                _md(c["contradicted_by"]["statement"]),
            )
            for c in report["conflicts"]
        ],
        empty=L["no_conflict"],
    )
    lines += ["", f"## {L['timeline']}", ""]
    lines += _table(
        (L["when"], L["what"], L["source"]),
        [
            (readable_time(e["occurred_at"]) or L["date_unknown"], _md(e["description"]), _md(e.get("source_title")))
            for e in report["timeline"]
        ],
        empty=L["none_recorded"],
    )
    lines += ["", f"## {L['actions']}", ""]
    lines += [
        f"- {_md(a['kind_label'])}: {_md(a['description'])}" + (f" ({L['done']})" if a["done_at"] else "")
        for a in report["actions"]
    ] or [f"- {L['none_recorded']}"]
    lines += ["", f"## {L['recommendations']}", ""]
    lines += [f"- {_md(r['text'])}" for r in report["recommendations"]] or [f"- {L['none_recorded']}"]
    lines += ["", f"## {L['amendments']}", ""]
    for amendment in report["amendments"]:
        lines.append(
            f"- v{amendment['version']} ({readable_time(amendment['amended_at'])}): {_md(amendment['reason'])}"
        )
        lines += [f"  - {_md(label)}: {_md(value)}" for label, value in scope_lines(amendment.get("scope") or {})]
    if not report["amendments"]:
        lines.append(f"- {L['none']}")
    lines += ["", L["footer"] % {"version": report["schema_version"]}]
    return lines


def _reliability(name):
    """'low' (how claim_conflicts names a reliability) as its label in the active language."""
    member = Reliability.__members__.get(str(name).upper())
    return str(member.label) if member else name


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
            vendor_name=report["vendor"]["name"], flows=report["flows"], subprocessors=[], title=_t("Affected flows")
        )
        template = "reports/incident_report.html"
    L = report_labels()
    context = {
        "report": report,
        "diagram": diagram,
        "style": REPORT_STYLE,
        "L": L,
        "footer": L["footer"] % {"version": report["schema_version"]},
    }
    if report["report"] == "incident":
        context["approvals"] = [
            {
                "lang": a["lang"],
                "text": L["approved_by"] % {"user": a["approved_by"], "when": readable_time(a["approved_at"])},
            }
            for a in report["provenance"]["notice_approvals"]
        ]
        context["amendments"] = [{**a, "scope_lines": scope_lines(a.get("scope") or {})} for a in report["amendments"]]
        context["conflict_rows"] = [
            {
                **c,
                "source_reliability": _reliability(c["source"]["reliability"]),
                "reference_reliability": _reliability(c["contradicted_by"]["source"]["reliability"]),
            }
            for c in report["conflicts"]
        ]
        context["exposure_rows"] = [
            {**item, "status_label": str(ExposureStatus(status).label)}
            for status, items in report["exposure"].items()
            for item in items
        ]
    return render_to_string(template, context)
