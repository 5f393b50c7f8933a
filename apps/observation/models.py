"""What our pages really load and send: per-system crawl settings, observed requests, and drift findings.

No observed value is stored: a request keeps its origin, its path with value-like segments redacted, the *names*
of its query and body keys and cookies, and for each value that classified as a data category only the category
and a salted hash (apps.observation.classify). The canaries of a test account (its name, email and ids) are
configuration, not observations: they are what the classifier looks for.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel

from .choices import CrawlStatus, FindingKind, FindingSeverity, FindingStatus, Source


def new_report_key():
    return secrets.token_urlsafe(24)


class ObservationTarget(TimeStampedModel):
    """How to check one of our systems: its pages, its own origins, an optional test account and the budgets."""

    system = models.OneToOneField(
        "datamap.System", verbose_name=_("system"), on_delete=models.CASCADE, related_name="observation_target"
    )
    pages = models.JSONField(_("pages to check"), default=list, help_text=_("Full http(s) URLs, one per page."))
    extra_origins = models.JSONField(
        _("other own origins"),
        default=list,
        blank=True,
        help_text=_("Origins of ours besides the pages' own (e.g. https://auth.example.com); nothing else is fetched."),
    )
    sign_in_steps = models.JSONField(
        _("sign-in steps"),
        default=list,
        blank=True,
        help_text=_(
            'Optional, run before the pages: [{"goto": url}, {"fill": selector, "value": text or "env:NAME"}, '
            '{"click": selector}]. A value "env:NAME" is read from the worker\'s environment (keep passwords there).'
        ),
    )
    canary_name = models.CharField(_("test account name"), max_length=200, blank=True)
    canary_email = models.CharField(_("test account email"), max_length=254, blank=True)
    canary_user_ids = models.JSONField(_("test account user ids"), default=list, blank=True)
    canary_org_ids = models.JSONField(_("test account organisation ids"), default=list, blank=True)
    max_requests = models.PositiveIntegerField(_("request budget per crawl"), default=500)
    max_seconds = models.PositiveIntegerField(_("time budget per crawl (seconds)"), default=120)
    stale_after_days = models.PositiveIntegerField(
        _("stale after (days)"), default=30, help_text=_("A declared client-side flow unseen this long is stale.")
    )
    enabled = models.BooleanField(_("checked on schedule"), default=True)
    csp_reports_enabled = models.BooleanField(_("accepts CSP reports"), default=True)
    report_key = models.CharField(
        _("CSP report key"), max_length=64, unique=True, default=new_report_key, editable=False
    )
    last_crawled_at = models.DateTimeField(_("last crawled"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["system__name"]
        verbose_name = _("observation target")
        verbose_name_plural = _("observation targets")

    def __str__(self):
        return str(self.system)

    def clean(self):
        if not isinstance(self.pages, list) or not self.pages:
            raise ValidationError({"pages": _("List at least one page URL to check.")})
        if self.max_requests < 1 or self.max_requests > 10000:
            raise ValidationError({"max_requests": _("Between 1 and 10000 requests.")})
        if self.max_seconds < 5 or self.max_seconds > 600:
            raise ValidationError({"max_seconds": _("Between 5 and 600 seconds (a crawl runs inside one task).")})


class Crawl(models.Model):
    """One run over a target's pages, with what it saw and what it concluded."""

    target = models.ForeignKey(
        ObservationTarget, verbose_name=_("target"), on_delete=models.CASCADE, related_name="crawls"
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CrawlStatus.choices, default=CrawlStatus.RUNNING)
    pages_visited = models.PositiveIntegerField(_("pages visited"), default=0)
    requests_seen = models.PositiveIntegerField(_("requests seen"), default=0)
    third_party_requests = models.PositiveIntegerField(_("third-party requests"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("crawl")
        verbose_name_plural = _("crawls")

    def __str__(self):
        return f"{self.target} @ {self.started_at:%Y-%m-%d %H:%M}"


class SdkHost(TimeStampedModel):
    """A reviewer's addition to the shipped table of well-known SDK hosts (apps.observation.matching)."""

    host = models.CharField(
        _("host"), max_length=253, unique=True, help_text=_("e.g. api-js.mixpanel.com; subdomains match")
    )
    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="sdk_hosts"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["host"]
        verbose_name = _("SDK host")
        verbose_name_plural = _("SDK hosts")

    def __str__(self):
        return f"{self.host} → {self.vendor}"


class ObservedRequest(models.Model):
    """One kind of request to another origin, seen from one of our pages (crawl) or reported by a browser (CSP).

    Rows are deduplicated by `signature` (system, source, method, origin, redacted path, page, initiator, keys):
    seeing the same request again moves `last_seen` and `times_seen` only.
    """

    system = models.ForeignKey(
        "datamap.System", verbose_name=_("system"), on_delete=models.CASCADE, related_name="observed_requests"
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    signature = models.CharField(_("signature"), max_length=64, unique=True, editable=False)
    method = models.CharField(_("method"), max_length=10)
    origin = models.CharField(_("origin"), max_length=300, db_index=True)
    host = models.CharField(_("host"), max_length=253)
    path = models.CharField(_("path (values redacted)"), max_length=500, blank=True)
    resource_type = models.CharField(_("resource type"), max_length=30, blank=True)
    query_keys = models.JSONField(_("query keys"), default=list, blank=True)
    body_keys = models.JSONField(_("body keys"), default=list, blank=True)
    cookie_names = models.JSONField(_("cookies sent or set"), default=list, blank=True)
    page_url = models.CharField(_("page"), max_length=500, blank=True)
    initiator = models.CharField(_("initiator script"), max_length=500, blank=True)
    signals = models.JSONField(
        _("data categories carried"),
        default=list,
        blank=True,
        help_text=_('[{"category": code, "where": "query:email", "hash": salted hash}]; never the value.'),
    )
    vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("vendor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observed_requests",
    )
    suggested_vendor = models.CharField(_("well-known SDK of"), max_length=200, blank=True)
    last_crawl = models.ForeignKey(
        Crawl, verbose_name=_("last crawl"), on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)
    times_seen = models.PositiveIntegerField(_("times seen"), default=1)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("observed request")
        verbose_name_plural = _("observed requests")
        indexes = [models.Index(fields=["system", "last_seen"], name="observedrequest_system_seen")]

    def __str__(self):
        return f"{self.method} {self.origin}{self.path}"

    @property
    def categories(self):
        return sorted({signal["category"] for signal in self.signals})


class FlowSighting(models.Model):
    """When a declared flow was last seen carrying requests, and by which one."""

    flow = models.OneToOneField(
        "datamap.DataFlow", verbose_name=_("flow"), on_delete=models.CASCADE, related_name="sighting"
    )
    last_observed_at = models.DateTimeField(_("last observed"))
    last_request = models.ForeignKey(
        ObservedRequest, verbose_name=_("last request"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("flow sighting")
        verbose_name_plural = _("flow sightings")

    def __str__(self):
        return f"{self.flow} @ {self.last_observed_at:%Y-%m-%d}"


class DriftFinding(TimeStampedModel):
    """A difference between what the register declares and what our pages do. One row per `dedupe_key`."""

    kind = models.CharField(_("kind"), max_length=24, choices=FindingKind.choices, db_index=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=400, unique=True, editable=False)
    system = models.ForeignKey(
        "datamap.System", verbose_name=_("system"), on_delete=models.CASCADE, related_name="drift_findings"
    )
    vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("vendor"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="drift_findings",
    )
    flow = models.ForeignKey(
        "datamap.DataFlow",
        verbose_name=_("flow"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="drift_findings",
    )
    category = models.ForeignKey(
        "datamap.DataCategory",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drift_findings",
    )
    origin = models.CharField(_("third-party origin"), max_length=300, blank=True)
    observed_categories = models.JSONField(_("categories observed"), default=list, blank=True)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=FindingSeverity.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True
    )
    summary = models.CharField(_("summary"), max_length=500)
    evidence = models.ForeignKey(
        ObservedRequest,
        verbose_name=_("evidence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    times_seen = models.PositiveIntegerField(_("times seen"), default=1)
    resolution_note = models.TextField(_("resolution"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-severity", "-last_seen"]
        verbose_name = _("drift finding")
        verbose_name_plural = _("drift findings")

    def __str__(self):
        return self.summary
