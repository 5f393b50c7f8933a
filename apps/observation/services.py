"""Writes of the observed data map: targets, crawls, observed requests, drift findings and their resolution.

A crawl is three steps, so that no transaction stays open while a browser runs (and the ORM is never called
under playwright's event loop): `crawl_start` (a committed Crawl row), `crawler.crawl` (no database), then
`crawl_record` (one transaction: requests, sightings, findings, the crawl's summary). `observe_system` runs all
three. CSP reports go through `csp_reports_record`, which feeds the same matching.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.datamap.choices import Mechanism, Sharing
from apps.datamap.models import DataCategory, DataFlow
from apps.datamap.services import CategoryAnswer
from apps.notifications import egress
from apps.register import flows as register_flows
from apps.vendors import services as vendor_services

from . import classify, crawler
from .choices import CrawlStatus, FindingKind, FindingSeverity, FindingStatus, Source
from .models import Crawl, DriftFinding, FlowSighting, ObservationTarget, ObservedRequest, SdkHost

TARGET_FIELDS = frozenset(
    {
        "pages",
        "extra_origins",
        "sign_in_steps",
        "canary_name",
        "canary_email",
        "canary_user_ids",
        "canary_org_ids",
        "max_requests",
        "max_seconds",
        "stale_after_days",
        "enabled",
        "csp_reports_enabled",
    }
)
MAX_PAGES = 50
STEP_KINDS = ("goto", "fill", "click")


# --- targets ---------------------------------------------------------------------------------------------------
def _check_url(url, field):
    if not isinstance(url, str):
        raise ValidationError({field: _("Each entry is a URL.")})
    try:
        egress.url_parts(url)
        egress.url_is_allowed(url)
    except ValueError as exc:
        raise ValidationError({field: _("“%(url)s” is not an http(s) URL with a host.") % {"url": url[:200]}}) from exc
    except egress.AddressNotAllowed as exc:
        raise ValidationError({field: str(exc).replace("webhooks", "the crawl")}) from exc
    return crawler.origin_of(url)


def _check_target(target):
    if not isinstance(target.pages, list) or not target.pages:
        raise ValidationError({"pages": _("List at least one page URL to check.")})
    if len(target.pages) > MAX_PAGES:
        raise ValidationError({"pages": _("At most %(n)d pages per system.") % {"n": MAX_PAGES}})
    origins = {_check_url(url, "pages") for url in target.pages}
    if not isinstance(target.extra_origins, list):
        raise ValidationError({"extra_origins": _("A list of origins.")})
    origins |= {_check_url(url, "extra_origins") for url in target.extra_origins}
    if not isinstance(target.sign_in_steps, list):
        raise ValidationError({"sign_in_steps": _("A list of steps.")})
    for step in target.sign_in_steps:
        if not isinstance(step, dict) or sum(kind in step for kind in STEP_KINDS) != 1:
            raise ValidationError({"sign_in_steps": _('Each step is one of {"goto"}, {"fill", "value"}, {"click"}.')})
        if "goto" in step and _check_url(step["goto"], "sign_in_steps") not in origins:
            raise ValidationError({"sign_in_steps": _("Sign-in steps stay on the system's own origins.")})
    for name in ("canary_user_ids", "canary_org_ids"):
        value = getattr(target, name)
        if not isinstance(value, list) or not all(isinstance(item, (str, int)) for item in value):
            raise ValidationError({name: _("A list of ids.")})
        setattr(target, name, [str(item) for item in value])


def _target_write(target, changes, *, actor):
    unknown = set(changes) - TARGET_FIELDS
    if unknown:
        raise TypeError(f"ObservationTarget cannot be written with {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(target, name, value)
    target.full_clean()
    _check_target(target)
    target._history_user = actor
    target.save()
    return target


@transaction.atomic
def target_create(*, system, actor, **fields) -> ObservationTarget:
    if ObservationTarget.objects.filter(system=system).exists():
        raise ValidationError({"system": _("This system is already set up for checking.")})
    return _target_write(ObservationTarget(system=system), fields, actor=actor)


@transaction.atomic
def target_update(*, target: ObservationTarget, actor, **changes) -> ObservationTarget:
    return _target_write(target, changes, actor=actor)


def own_origins(target) -> frozenset[str]:
    return frozenset(crawler.origin_of(url) for url in [*target.pages, *target.extra_origins])


def canaries_for(target, *, user_agent="", page_urls=()) -> classify.Canaries:
    return classify.Canaries(
        name=target.canary_name,
        email=target.canary_email,
        user_ids=tuple(target.canary_user_ids),
        org_ids=tuple(target.canary_org_ids),
        user_agent=user_agent,
        page_urls=tuple(page_urls),
    )


# --- crawls ----------------------------------------------------------------------------------------------------
@transaction.atomic
def crawl_start(*, target: ObservationTarget) -> Crawl:
    return Crawl.objects.create(target=target, started_at=timezone.now())


def observe_system(*, target: ObservationTarget) -> Crawl:
    """Crawl one system's pages now and record what they sent. Not one transaction: see the module docstring."""
    crawl = crawl_start(target=target)
    plan = crawler.CrawlPlan(
        pages=tuple(target.pages),
        own_origins=own_origins(target),
        sign_in_steps=tuple(target.sign_in_steps),
        max_requests=target.max_requests,
        max_seconds=target.max_seconds,
    )
    try:
        result = crawler.crawl(plan)
    except crawler.CrawlRefused as exc:
        return crawl_fail(crawl=crawl, error=str(exc))
    return crawl_record(crawl=crawl, result=result)


@transaction.atomic
def crawl_fail(*, crawl: Crawl, error: str) -> Crawl:
    crawl.status = CrawlStatus.FAILED
    crawl.error = error[:300]
    crawl.finished_at = timezone.now()
    crawl.save()
    return crawl


@transaction.atomic
def crawl_record(*, crawl: Crawl, result: crawler.CrawlResult) -> Crawl:
    target = ObservationTarget.objects.select_for_update().select_related("system").get(pk=crawl.target_id)
    now = timezone.now()
    canaries = canaries_for(target, user_agent=result.user_agent, page_urls=[*target.pages])
    observations = [_observation_from_crawl(seen, canaries) for seen in result.third_party]
    rows = _store_observations(target.system, Source.CRAWL, observations, crawl=crawl, now=now)
    summary = _drift(target, rows, now=now, check_stale=not result.error)
    error = result.error or "; ".join(result.page_errors)
    crawl.status = (
        CrawlStatus.FAILED
        if (result.error and not result.pages_visited) or len(result.page_errors) >= len(target.pages)
        else CrawlStatus.BUDGET_EXHAUSTED
        if result.budget_exhausted
        else CrawlStatus.COMPLETED
    )
    crawl.error = error[:300]
    crawl.pages_visited = result.pages_visited
    crawl.requests_seen = result.requests_seen
    crawl.third_party_requests = len(result.third_party)
    crawl.summary = summary
    crawl.finished_at = now
    crawl.save()
    target.last_crawled_at = now
    target.save(update_fields=["last_crawled_at", "updated_at"])
    return crawl


# --- observations ----------------------------------------------------------------------------------------------
def _strip(url, canaries):
    """A URL without its query or fragment and with value-like path segments redacted (pages, initiators)."""
    if not url:
        return ""
    parts = urlsplit(url)
    origin = crawler.origin_of(url)
    return (origin + classify.redact_path(parts.path, canaries))[:500] if origin else url.split("?", 1)[0][:500]


def _observation_from_crawl(seen: crawler.SeenRequest, canaries):
    parts = urlsplit(seen.url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    body = classify.body_pairs(seen.body, seen.content_type)
    pairs = [("query", key, value) for key, value in query] + [("body", key, value) for key, value in body]
    path_pairs = [("path", "", segment) for segment in parts.path.split("/") if segment]
    cookies = classify.cookie_names(seen.cookie_header)
    signals = [s.as_dict() for s in classify.classify(pairs + path_pairs, canaries=canaries)]
    if seen.cookie_header:
        signals.append({"category": "cookie-id", "where": "cookie", "hash": classify.salted_hash(seen.cookie_header)})
    return {
        "method": seen.method,
        "origin": crawler.origin_of(seen.url),
        "host": (parts.hostname or "").lower(),
        "path": classify.redact_path(parts.path, canaries),
        "resource_type": "navigation" if seen.navigation else seen.resource_type,
        "query_keys": sorted({classify.redact_key(key, canaries) for key, _v in query}),
        "body_keys": sorted({classify.redact_key(key, canaries) for key, _v in body}),
        "cookie_names": sorted(set(cookies) | set(seen.set_cookie_names)),
        "page_url": _strip(seen.page_url, canaries),
        "initiator": _strip(seen.initiator, canaries),
        "signals": signals,
    }


def _signature(system, source, observation):
    basis = [
        system.pk,
        source,
        *(observation[k] for k in ("method", "origin", "path", "page_url", "initiator", "resource_type")),
        observation["query_keys"],
        observation["body_keys"],
    ]
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


def _store_observations(system, source, observations, *, crawl=None, now):
    from .matching import VendorMatcher

    matcher = VendorMatcher()
    rows = {}
    for observation in observations:
        if not observation["origin"]:
            continue
        signature = _signature(system, source, observation)
        match = matcher.match(observation["host"])
        row = rows.get(signature) or ObservedRequest.objects.filter(signature=signature).first()
        if row is None:
            row = ObservedRequest(system=system, source=source, signature=signature, first_seen=now, times_seen=0)
        for name in ("method", "origin", "host", "path", "resource_type", "query_keys", "body_keys", "page_url"):
            setattr(row, name, observation[name])
        row.initiator = observation["initiator"]
        row.cookie_names = sorted(set(row.cookie_names or []) | set(observation["cookie_names"]))
        known = {(s["category"], s["where"], s["hash"]) for s in row.signals or []}
        row.signals = [
            *(row.signals or []),
            *(s for s in observation["signals"] if (s["category"], s["where"], s["hash"]) not in known),
        ][:200]
        row.vendor = match.vendor
        row.suggested_vendor = match.suggested_vendor
        row.last_crawl = crawl or row.last_crawl
        row.last_seen = now
        row.times_seen += 1
        row.save()
        rows[signature] = row
    return list(rows.values())


# --- drift -----------------------------------------------------------------------------------------------------
def _active_flows(system, vendor_ids):
    today = timezone.localdate()
    return (
        DataFlow.objects.filter(system=system, vendor_id__in=vendor_ids)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("vendor", "sighting")
        .prefetch_related("flow_categories__category")
        .order_by("code")
    )


def _answer(flow, category):
    """The flow's most specific answer covering `category` (itself or an ancestor), or None."""
    covering = [row for row in flow.flow_categories.all() if category.path.startswith(row.category.path)]
    return max(covering, key=lambda row: len(row.category.path), default=None)


def _raise(key, *, now, **fields):
    finding = DriftFinding.objects.select_for_update().filter(dedupe_key=key).first()
    if finding is None:
        return DriftFinding.objects.create(dedupe_key=key, first_seen=now, last_seen=now, **fields), True
    finding.last_seen = now
    finding.times_seen += 1
    finding.evidence = fields.get("evidence") or finding.evidence
    finding.severity = max(finding.severity, fields["severity"])
    finding.observed_categories = sorted(set(finding.observed_categories) | set(fields.get("observed_categories", [])))
    finding.summary = fields["summary"]
    if finding.status == FindingStatus.RESOLVED:
        finding.status = FindingStatus.OPEN  # fixed once, back again: a dismissed one stays dismissed
    finding.save()
    return finding, False


def _best_evidence(rows):
    return max(rows, key=lambda row: (len(row.signals), row.resource_type != "script", row.last_seen))


def _drift(target, rows, *, now, check_stale):
    system = target.system
    categories = {c.code: c for c in DataCategory.objects.all()}
    by_origin = defaultdict(list)
    for row in rows:
        by_origin[row.origin].append(row)
    vendor_ids = {row.vendor_id for row in rows if row.vendor_id}
    flows_by_vendor = defaultdict(list)
    for flow in _active_flows(system, vendor_ids):
        flows_by_vendor[flow.vendor_id].append(flow)
    summary = {"confirmed_flows": [], "new_findings": [], "findings_seen_again": []}

    def note(finding, created):
        summary["new_findings" if created else "findings_seen_again"].append(finding.dedupe_key)

    for origin, origin_rows in sorted(by_origin.items()):
        codes = sorted({s["category"] for row in origin_rows for s in row.signals if s["category"] in categories})
        sensitivity = max((categories[code].sensitivity for code in codes), default=FindingSeverity.LOW)
        loads_code = any(row.resource_type == "script" for row in origin_rows)
        severity = max(sensitivity, FindingSeverity.HIGH if loads_code else FindingSeverity.MEDIUM)
        evidence = _best_evidence(origin_rows)
        vendor = origin_rows[0].vendor
        if vendor is None:
            known_as = origin_rows[0].suggested_vendor
            finding, created = _raise(
                f"undeclared-vendor:{system.slug}:{origin_rows[0].host}",
                now=now,
                kind=FindingKind.UNDECLARED_VENDOR,
                system=system,
                origin=origin,
                observed_categories=codes,
                severity=severity,
                evidence=evidence,
                summary=_("%(system)s sends requests to %(origin)s, which matches no vendor%(known)s.")
                % {"system": system, "origin": origin, "known": f" (a {known_as} SDK host)" if known_as else ""},
            )
            note(finding, created)
            continue
        flows = flows_by_vendor.get(vendor.pk, [])
        if not flows:
            finding, created = _raise(
                f"undeclared-flow:{system.slug}:{vendor.slug}",
                now=now,
                kind=FindingKind.UNDECLARED_FLOW,
                system=system,
                vendor=vendor,
                origin=origin,
                observed_categories=codes,
                severity=severity,
                evidence=evidence,
                summary=_("%(system)s sends requests to %(vendor)s (%(origin)s), but no flow is declared.")
                % {"system": system, "vendor": vendor, "origin": origin},
            )
            note(finding, created)
            continue
        flows.sort(key=lambda flow: (flow.mechanism != Mechanism.CLIENT_SIDE_SDK, flow.code))
        primary = flows[0]
        for flow in flows:
            if flow.mechanism == Mechanism.CLIENT_SIDE_SDK or flow is primary:
                FlowSighting.objects.update_or_create(
                    flow=flow, defaults={"last_observed_at": now, "last_request": evidence}
                )
                DriftFinding.objects.filter(dedupe_key=f"stale-flow:{flow.code}", status=FindingStatus.OPEN).update(
                    status=FindingStatus.RESOLVED, resolution_note=_("Observed again."), updated_at=now
                )
        if primary.code not in summary["confirmed_flows"]:
            summary["confirmed_flows"].append(primary.code)
        for code in codes:
            category = categories[code]
            answers = [_answer(flow, category) for flow in flows]
            if any(answer is not None and answer.sharing == Sharing.SHARED for answer in answers):
                continue
            refused = next((a for a in answers if a is not None and a.sharing == Sharing.NOT_SHARED), None)
            carrying = [row for row in origin_rows if any(s["category"] == code for s in row.signals)]
            reason = (_("which %(flow)s marks as not shared") if refused else _("which %(flow)s does not list")) % {
                "flow": primary.code
            }
            finding, created = _raise(
                f"undeclared-category:{primary.code}:{code}",
                now=now,
                kind=FindingKind.UNDECLARED_CATEGORY,
                system=system,
                vendor=vendor,
                flow=primary,
                category=category,
                origin=origin,
                observed_categories=[code],
                severity=category.sensitivity,
                evidence=_best_evidence(carrying),
                summary=_("%(system)s sends %(category)s to %(vendor)s, %(reason)s.")
                % {"system": system, "category": category.name, "vendor": vendor, "reason": reason},
            )
            note(finding, created)
    if check_stale:
        summary["stale_flows"] = _stale_flows(target, now=now, note=note)
    return summary


def _stale_flows(target, *, now, note):
    stale = []
    limit = datetime.timedelta(days=target.stale_after_days)
    today = timezone.localdate()
    flows = (
        DataFlow.objects.filter(system=target.system, mechanism=Mechanism.CLIENT_SIDE_SDK)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("vendor", "sighting")
    )
    for flow in flows:
        sighting = getattr(flow, "sighting", None)
        last = sighting.last_observed_at if sighting else max(flow.created_at, target.created_at)
        if now - last <= limit:
            continue
        finding, created = _raise(
            f"stale-flow:{flow.code}",
            now=now,
            kind=FindingKind.STALE_FLOW,
            system=target.system,
            vendor=flow.vendor,
            flow=flow,
            severity=FindingSeverity.LOW,
            evidence=sighting.last_request if sighting else None,
            summary=_(
                "%(flow)s is declared as a script in our pages, but no request to %(vendor)s was seen since %(when)s."
            )
            % {"flow": flow.code, "vendor": flow.vendor, "when": f"{last:%Y-%m-%d}"},
        )
        note(finding, created)
        stale.append(flow.code)
    return stale


# --- CSP reports -----------------------------------------------------------------------------------------------
MAX_REPORTS_PER_BODY = 20
DIRECTIVE_RESOURCE = {
    "script": "script",
    "connect": "fetch",
    "img": "image",
    "frame": "document",
    "style": "stylesheet",
}
NON_URL_BLOCKED = {"inline", "eval", "self", "data", "blob", "wasm-eval", "trusted-types-policy", "trusted-types-sink"}


def _report_bodies(payload):
    """The violation bodies of a report-uri (`{"csp-report": {...}}`) or report-to (`[{"type", "body"}]`) POST."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        report = payload["csp-report"]
        return [
            {
                "document": report.get("document-uri"),
                "blocked": report.get("blocked-uri"),
                "directive": report.get("effective-directive") or report.get("violated-directive"),
                "source": report.get("source-file"),
            }
        ]
    if isinstance(payload, list) and payload and all(isinstance(item, dict) for item in payload):
        if len(payload) > MAX_REPORTS_PER_BODY:
            raise ValidationError({"body": _("At most %(n)d reports per request.") % {"n": MAX_REPORTS_PER_BODY}})
        bodies = []
        for item in payload:
            body = item.get("body")
            if item.get("type") != "csp-violation" or not isinstance(body, dict):
                continue  # other report types (deprecation, intervention) are not ours to read
            bodies.append(
                {
                    "document": body.get("documentURL") or item.get("url"),
                    "blocked": body.get("blockedURL"),
                    "directive": body.get("effectiveDirective"),
                    "source": body.get("sourceFile"),
                }
            )
        return bodies
    raise ValidationError({"body": _('Not a CSP report: expected {"csp-report": {…}} or a list of reports.')})


def _observation_from_report(report, target, canaries):
    for name in ("document", "blocked"):
        if not isinstance(report[name], str) or not report[name] or len(report[name]) > 2000:
            raise ValidationError({name: _("Each report needs a URL here.")})
    for name in ("directive", "source"):
        if report[name] is not None and (not isinstance(report[name], str) or len(report[name]) > 2000):
            raise ValidationError({name: _("Text, if given.")})
    blocked = report["blocked"]
    if blocked.split(":", 1)[0].lower() in NON_URL_BLOCKED or crawler.origin_of(report["document"]) not in own_origins(
        target
    ):
        return None  # an inline script, or a page that is not this system's: nothing to match
    parts = urlsplit(blocked)
    if parts.scheme.lower() not in ("http", "https", "ws", "wss") or not parts.hostname:
        return None
    directive = (report["directive"] or "").split("-", 1)[0]
    query = parse_qsl(parts.query, keep_blank_values=True)
    signals = classify.classify([("query", key, value) for key, value in query], canaries=canaries)
    return {
        "method": "GET",
        "origin": crawler.origin_of(blocked),
        "host": parts.hostname.lower(),
        "path": classify.redact_path(parts.path, canaries),
        "resource_type": DIRECTIVE_RESOURCE.get(directive, directive[:30]),
        "query_keys": sorted({classify.redact_key(key, canaries) for key, _v in query}),
        "body_keys": [],
        "cookie_names": [],
        "page_url": _strip(report["document"], canaries),
        "initiator": _strip(report["source"] or "", canaries),
        "signals": [s.as_dict() for s in signals],
    }


@transaction.atomic
def csp_reports_record(*, target: ObservationTarget, payload) -> int:
    """Store the reports of one POST and match them; returns how many were ours. All or nothing."""
    canaries = canaries_for(target)
    observations = [
        observation
        for report in _report_bodies(payload)
        if (observation := _observation_from_report(report, target, canaries)) is not None
    ]
    if not observations:
        return 0
    target = ObservationTarget.objects.select_for_update().select_related("system").get(pk=target.pk)
    now = timezone.now()
    rows = _store_observations(target.system, Source.CSP_REPORT, observations, now=now)
    _drift(target, rows, now=now, check_stale=False)
    return len(observations)


# --- what a reviewer does with a finding -----------------------------------------------------------------------
def _open_finding(finding):
    finding = (
        DriftFinding.objects.select_for_update(of=("self",))
        .select_related("system", "vendor", "flow", "category")
        .get(pk=finding.pk)
    )
    if finding.status != FindingStatus.OPEN:
        from apps.core.exceptions import TransitionRefused

        raise TransitionRefused(
            _("This finding is already %(status)s.") % {"status": finding.get_status_display()}, code="finding_closed"
        )
    return finding


def _close(finding, *, status, note, actor):
    finding.status = status
    finding.resolution_note = note
    finding._history_user = actor
    finding.save()
    return finding


@transaction.atomic
def finding_dismiss(*, finding: DriftFinding, actor, reason: str) -> DriftFinding:
    """Not a drift (a test artefact, a script since removed): kept, with the reviewer's reason, and not raised again."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why this is not a drift.")})
    finding = _open_finding(finding)
    return _close(finding, status=FindingStatus.DISMISSED, note=reason.strip(), actor=actor)


@transaction.atomic
def finding_accept(*, finding: DriftFinding, actor, vendor=None, service=None, note: str = "") -> DriftFinding:
    """Make the register say what the pages do, through the register's own services:

    - undeclared category: the flow now shares it (a "not shared" answer is replaced, with `note` as the reason);
    - undeclared flow: a client-side flow from the system to the vendor's `service` (its only one by default),
      sharing the observed categories;
    - undeclared vendor: the origin's host is added to `vendor`'s domains (the next crawl then checks its flow);
    - stale flow: the flow ends today.
    """
    finding = _open_finding(finding)
    categories = DataCategory.objects.filter(code__in=finding.observed_categories)
    reason = note.strip() or _("Observed by the crawl (drift finding %(id)s).") % {"id": finding.pk}
    if finding.kind == FindingKind.UNDECLARED_CATEGORY:
        register_flows.flow_category_set(
            flow=finding.flow, category=finding.category, sharing=Sharing.SHARED, note=reason[:300], actor=actor
        )
    elif finding.kind == FindingKind.UNDECLARED_FLOW:
        services = list(finding.vendor.services.order_by("slug"))
        if service is None:
            if len(services) != 1:
                raise ValidationError({"service": _("Choose which of the vendor's services this flow goes to.")})
            service = services[0]
        elif service.vendor_id != finding.vendor_id:
            raise ValidationError({"service": _("A service of %(vendor)s.") % {"vendor": finding.vendor}})
        code = f"{finding.system.slug}-to-{finding.vendor.slug}-observed"[:120]
        if DataFlow.objects.filter(code=code).exists():
            code = f"{code[:110]}-{finding.pk}"
        register_flows.flow_create(
            actor=actor,
            code=code,
            system=finding.system,
            service=service,
            mechanism=Mechanism.CLIENT_SIDE_SDK,
            purpose=reason,
            starts_on=finding.first_seen.date(),
            categories=[CategoryAnswer(category=c, sharing=Sharing.SHARED, note=reason[:300]) for c in categories],
        )
    elif finding.kind == FindingKind.UNDECLARED_VENDOR:
        if vendor is None:
            raise ValidationError({"vendor": _("Choose the vendor this origin belongs to.")})
        host = urlsplit(finding.origin).hostname or ""
        if host not in vendor.domains:
            vendor_services.vendor_update(vendor=vendor, actor=actor, domains=[*vendor.domains, host])
        finding.vendor = vendor
    elif finding.kind == FindingKind.STALE_FLOW:
        register_flows.flow_end(flow=finding.flow, actor=actor)
    return _close(finding, status=FindingStatus.RESOLVED, note=reason, actor=actor)


# --- reviewers' SDK hosts --------------------------------------------------------------------------------------
def _sdk_host_write(row, *, host, vendor, actor):
    host = (host or "").strip().lower().rstrip(".")
    if not host or "/" in host or " " in host:
        raise ValidationError({"host": _("A host name such as api-js.mixpanel.com.")})
    row.host, row.vendor = host, vendor
    row.full_clean()
    row._history_user = actor
    row.save()
    return row


@transaction.atomic
def sdk_host_create(*, host, vendor, actor) -> SdkHost:
    return _sdk_host_write(SdkHost(), host=host, vendor=vendor, actor=actor)


@transaction.atomic
def sdk_host_update(*, row: SdkHost, host, vendor, actor) -> SdkHost:
    return _sdk_host_write(row, host=host, vendor=vendor, actor=actor)


@transaction.atomic
def sdk_host_remove(*, row: SdkHost, actor) -> None:
    row._history_user = actor
    row.delete()
