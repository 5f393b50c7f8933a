"""The dashboard at `/` and the lists its figures link to."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from apps.dashboard import selectors as dashboard_selectors
from apps.dashboard.selectors import dashboard
from apps.datamap.choices import Mechanism
from apps.incidents.choices import Severity
from apps.reviews.choices import FindingSeverity
from apps.vendors.choices import Tier, VendorStatus

from .. import selectors
from ..access import workspace_view
from ..charts import Bar, bar_chart

SEVERITY_COLOURS = {"low": "#3d6b35", "medium": "#8a5a00", "high": "#b3261e", "critical": "#6e0f0a"}


class _Links:
    """The charts' links: each list's address reversed once per drawing, not once per bar (forty bars, a few
    lists), and a slug page's address reversed once for all its rows."""

    SLUG = "0slug0"  # a value the <slug> converter accepts and that no other part of these addresses contains

    def __init__(self):
        self._paths = {}

    def __call__(self, name, **params):
        path = self._paths.get(name) or self._paths.setdefault(name, reverse(name))
        return f"{path}?{urlencode(params)}" if params else path

    def to_slug(self, name, slug):
        key = (name, self.SLUG)
        template = self._paths.get(key) or self._paths.setdefault(key, reverse(name, args=[self.SLUG]))
        return template.replace(self.SLUG, slug, 1)


def _chart(chart_id, title, bars):
    return {"id": chart_id, "title": title, "bars": bars, "svg": bar_chart(title=title, bars=bars, chart_id=chart_id)}


def dashboard_charts(figures, extra, link=None):
    link = link or _Links()
    tiers = figures["vendors_by_tier"]
    statuses = figures["vendors_by_status"]
    incidents = figures["open_incidents_by_severity"]
    reviews = figures["reviews"]
    findings = extra["findings_by_severity"]
    ages = extra["findings_by_age"]
    evidence = extra["evidence"]
    mechanisms = extra["mechanisms"]
    vendors = "workspace:vendor-list"
    tier_bars = [Bar(str(label), tiers.get(str(value), 0), link(vendors, tier=value)) for value, label in Tier.choices]
    if tiers.get("none"):
        tier_bars.append(Bar("No tier yet", tiers["none"], link(vendors, tier="none")))
    return [
        _chart("vendors-by-tier", "Vendors by tier", tier_bars),
        _chart(
            "vendors-by-status",
            "Vendors by status",
            [
                Bar(str(label), statuses.get(value, 0), link(vendors, status=value))
                for value, label in VendorStatus.choices
            ],
        ),
        _chart(
            "open-incidents",
            "Open incidents by severity",
            [
                Bar(
                    str(label),
                    incidents.get(value, 0),
                    link("workspace:incident-list", open=1, severity=value),
                    SEVERITY_COLOURS[value],
                )
                for value, label in reversed(Severity.choices)
            ],
        ),
        _chart(
            "reviews-due",
            "Vendor reviews",
            [
                Bar("Overdue", reviews["overdue"], link(vendors, review="overdue"), SEVERITY_COLOURS["high"]),
                Bar("Due within 30 days", reviews["due_within_30_days"], link(vendors, review="due_soon")),
            ],
        ),
        _chart(
            "evidence-expiry",
            "Evidence",
            [
                Bar(
                    "Expired",
                    evidence["expired"],
                    link("workspace:document-list", expiry="expired"),
                    SEVERITY_COLOURS["high"],
                ),
                Bar(
                    "Expiring within 30 days", evidence["expiring"], link("workspace:document-list", expiry="expiring")
                ),
            ],
        ),
        _chart(
            "findings-by-severity",
            "Open findings by severity",
            [
                Bar(
                    str(label),
                    findings.get(value, 0),
                    link("workspace:finding-list", severity=value),
                    SEVERITY_COLOURS[value],
                )
                for value, label in reversed(FindingSeverity.choices)
            ],
        ),
        _chart(
            "findings-by-age",
            "Open findings by age",
            [
                Bar(label, ages[key], link("workspace:finding-list", age=key))
                for key, label, *_ in selectors.FINDING_AGES
            ],
        ),
        _chart(
            "top-categories",
            "Data categories received by the most vendors",
            [
                Bar(row["name"], row["vendors"], link(vendors, category=row["code"]))
                for row in figures["top_received_categories"]
            ],
        ),
        _chart(
            "mechanisms",
            "Vendors by flow mechanism",
            [
                Bar(str(label), mechanisms.get(value, 0), link(vendors, mechanism=value))
                for value, label in Mechanism.choices
            ],
        ),
        _chart(
            "concentration",
            "Most-used subprocessors",
            [
                Bar(row["name"], row["vendors"], link(vendors, subprocessor=row["slug"]))
                for row in extra["subprocessors"]
            ],
        ),
    ]


PAGE_CACHE_KEY = "workspace:dashboard-figures"


def _figures():
    return {
        "api": dashboard(),
        "findings_by_severity": selectors.open_findings_by_severity(),
        "findings_by_age": selectors.open_findings_by_age(),
        "evidence": selectors.evidence_expiry_counts(),
        "mechanisms": dashboard_selectors.vendors_by_mechanism(),
        "subprocessors": selectors.top_subprocessors(),
        "as_of": timezone.now(),
    }


def dashboard_figures():
    """Every figure of the page, kept DASHBOARD_CACHE_SECONDS (60 s by default; 0: always fresh), as the API's
    heaviest figure is: at 10,000 vendors the aggregates take most of a second, and the page says how old they are.
    """
    seconds = settings.DASHBOARD_CACHE_SECONDS
    return cache.get_or_set(PAGE_CACHE_KEY, _figures, seconds) if seconds > 0 else _figures()


@workspace_view(buyers_to_intake=True)
def dashboard_page(request):
    figures = dashboard_figures()
    link = _Links()
    late = [
        {
            **row,
            "vendor_href": link.to_slug("workspace:vendor", row["vendor"]),
            "incident_href": link.to_slug("workspace:incident-by-slug", row["incident"]),
        }
        for row in figures["api"]["late_breach_notifications"]
    ]
    client_side = [
        {**row, "href": link.to_slug("workspace:vendor", row["slug"])}
        for row in figures["api"]["client_side_vendors_with_personal_data"]
    ]
    context = {
        "charts": dashboard_charts(figures["api"], figures, link),
        "late": late,
        "late_total": figures["api"]["late_breach_notifications_total"],
        "client_side": client_side,
        "client_side_total": figures["api"]["client_side_vendors_with_personal_data_total"],
        "as_of": figures["as_of"],
        "cache_seconds": settings.DASHBOARD_CACHE_SECONDS,
    }
    return render(request, "workspace/dashboard.html", context)


def _list_page(request, template, rows, described, **extra):
    page = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "described": described, "query": query.urlencode(), **extra}
    return render(request, template, context)


@workspace_view()
def vendor_list(request):
    vendors, described = selectors.vendor_list(request.GET)
    return _list_page(request, "workspace/vendor_list.html", vendors, described)


@workspace_view()
def incident_list(request):
    incidents, described = selectors.incident_list(request.GET)
    return _list_page(request, "workspace/incident_list.html", incidents, described)


@workspace_view()
def finding_list(request):
    findings, described = selectors.finding_list(request.GET)
    return _list_page(request, "workspace/finding_list.html", findings, described)


@workspace_view()
def document_list(request):
    documents, described = selectors.document_list(request.GET)
    return _list_page(request, "workspace/document_list.html", documents, described)
