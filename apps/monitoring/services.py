"""Writes of the monitoring app. Each is one transaction; bad input raises ValidationError naming the field."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import require_security_reviewer
from apps.core.exceptions import TransitionRefused
from apps.datamap.choices import Sharing
from apps.datamap.models import DataFlow
from apps.incidents.choices import Reliability, Severity, SourceKind
from apps.incidents.services import incident_record, source_add
from apps.notifications import egress
from apps.register.handlers import EventHandler
from apps.vendors.models import Vendor

from . import feeds as feed_formats
from .chain import subprocessor_exposure, vendor_exposure
from .choices import CategorySource, ConcentrationDimension, ConcentrationFindingStatus, SignalStatus
from .models import (
    ConcentrationFinding,
    ConcentrationThreshold,
    FeedState,
    ResidualRisk,
    ResidualRiskChange,
    Signal,
    SubprocessorCategory,
)
from .residual import compute_residual
from .selectors import country_shares, critical_flow_shares, residual_inputs_for_vendors, subprocessor_shares
from .signals import concentration_threshold_exceeded, signal_confirmed, signal_opened

logger = logging.getLogger(__name__)

MAX_FEED_BYTES = 5 * 1024 * 1024
RETRY_BASE_SECONDS = 300
RETRY_MAX_SECONDS = 6 * 3600


# --- what passes down a subprocessor link ------------------------------------------------------------------------
@transaction.atomic
def subprocessor_category_set(
    *, link, category, sharing=Sharing.SHARED, source=CategorySource.DECLARATION, reference="", note="", actor
) -> SubprocessorCategory:
    """Record (or correct) whether `category` passes from the vendor to this subprocessor, and who says so."""
    row = SubprocessorCategory.objects.filter(link=link, category=category).first() or SubprocessorCategory(
        link=link, category=category
    )
    row.sharing, row.source, row.reference, row.note = sharing, source, reference, note
    row.full_clean()
    row._history_user = actor
    row.save()
    return row


@transaction.atomic
def subprocessor_category_remove(*, row: SubprocessorCategory, actor) -> None:
    row._history_user = actor
    row.delete()


# --- signals -------------------------------------------------------------------------------------------------------
def _vendor_keys():
    return [
        feed_formats.vendor_keys(
            vendor_id=pk, domains=domains, website=website, display_name=display_name, legal_name=legal_name
        )
        for pk, domains, website, display_name, legal_name in Vendor.objects.values_list(
            "pk", "domains", "website", "display_name", "legal_name"
        )
    ]


def _exposure_snapshot(vendor):
    """What the vendor receives from us, and (when it is someone's subprocessor) what reaches it through them."""
    snapshot = vendor_exposure(vendor=vendor)
    through = subprocessor_exposure(subprocessor=vendor)
    snapshot["through_chain"] = {"vendors": through["vendors"], "categories": through["categories"]}
    return snapshot


@transaction.atomic
def signals_open(*, feed: str, entries) -> list[Signal]:
    """Open a signal per (entry, matched vendor) not seen before. Idempotent: an entry seen again opens nothing."""
    keys = _vendor_keys()
    opened = []
    existing = set(Signal.objects.filter(feed=feed).values_list("entry_id", "vendor_id"))
    for entry in entries:
        for match in feed_formats.match_entry(entry, keys):
            if (entry.entry_id, match.vendor_id) in existing:
                continue
            vendor = Vendor.objects.get(pk=match.vendor_id)
            signal = Signal(
                feed=feed,
                entry_id=entry.entry_id,
                vendor=vendor,
                title=entry.title,
                url=_safe_url(entry.url) if entry.url else "",
                summary=entry.summary,
                published_on=entry.published_on,
                data_classes=entry.data_classes,
                match_kind=match.kind,
                matched_on=match.matched_on,
                match_score=match.score,
                exposure=_exposure_snapshot(vendor),
            )
            signal.full_clean(validate_unique=False)
            signal.save()
            existing.add((entry.entry_id, match.vendor_id))
            signal_opened.send(sender=Signal, feed_signal=signal)
            opened.append(signal)
    return opened


def _source_kind(feed_key):
    """A news feed is the press; a breach catalogue (HIBP) is a secondary explainer of the vendor's breach."""
    feed = feed_formats.feed_get(feed_key)
    return SourceKind.PRESS if feed is not None and feed.adapter == "rss" else SourceKind.SECONDARY


def _safe_url(url):
    # A feed's link that is not a valid http(s) URL is dropped rather than failing the whole feed.
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url[:1000]


def _lock_open(signal):
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if signal.status != SignalStatus.OPEN:
        raise TransitionRefused(
            _("This signal was already %(status)s.") % {"status": signal.get_status_display().lower()},
            code="signal_not_open",
        )
    return signal


@transaction.atomic
def signal_confirm(*, signal: Signal, actor, severity: str = Severity.MEDIUM, title: str = "") -> Signal:
    """Confirm a signal: open an incident against its vendor with the feed entry as a source (medium reliability),
    affecting the vendor's flows; high or critical severity opens the incident response as any incident does."""
    require_security_reviewer(actor, "confirm a signal")
    signal = _lock_open(signal)
    if severity not in Severity.values:
        raise ValidationError({"severity": _("Choose one of %(values)s.") % {"values": ", ".join(Severity.values)}})
    incident = incident_record(
        vendor=signal.vendor,
        title=(title or signal.title)[:300],
        severity=severity,
        recorded_by=actor,
        summary=signal.summary,
        we_became_aware_at=timezone.now(),
        affected_flows=DataFlow.objects.filter(vendor=signal.vendor),
    )
    source_add(
        incident=incident,
        kind=_source_kind(signal.feed),
        title=f"{signal.feed}: {signal.title}"[:300],
        reliability=Reliability.MEDIUM,
        key=f"feed-{signal.feed}"[:80],
        publisher=signal.feed,
        url=signal.url,
        published_on=signal.published_on,
        excerpt=signal.summary,
    )
    EventHandler(actor).incident_recorded(incident=incident)
    signal.status, signal.decided_by, signal.decided_at, signal.incident = (
        SignalStatus.CONFIRMED,
        actor,
        timezone.now(),
        incident,
    )
    signal._history_user = actor
    signal.save()
    signal_confirmed.send(sender=Signal, feed_signal=signal, incident=incident)
    return signal


@transaction.atomic
def signal_dismiss(*, signal: Signal, actor, reason: str) -> Signal:
    """Dismiss a signal with the reason (kept): a false match, or news that does not concern our data."""
    require_security_reviewer(actor, "dismiss a signal")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why this signal is dismissed.")})
    signal = _lock_open(signal)
    signal.status, signal.decided_by, signal.decided_at = SignalStatus.DISMISSED, actor, timezone.now()
    signal.dismiss_reason = reason.strip()
    signal._history_user = actor
    signal.save()
    return signal


# --- fetching feeds ---------------------------------------------------------------------------------------------
def _timeout():
    return getattr(settings, "MONITORING_FEED_TIMEOUT_SECONDS", 10)


def _read(feed, state):
    """(body or None when unchanged, etag, last_modified). Raises FeedUnavailable with a safe category."""
    if feed.file:
        try:
            with open(feed.file, "rb") as handle:
                body = handle.read(MAX_FEED_BYTES + 1)
        except OSError:
            raise FeedUnavailable("file not readable") from None
        if len(body) > MAX_FEED_BYTES:
            raise FeedUnavailable("response too large")
        return body, "", ""
    headers = {"Accept": "application/json, application/atom+xml, application/rss+xml, text/xml;q=0.9"}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    status, response_headers, body, error = egress.get(
        url=feed.url, headers=headers, timeout=_timeout(), max_bytes=MAX_FEED_BYTES
    )
    if error:
        raise FeedUnavailable(error)
    if status == 304:
        return None, state.etag, state.last_modified
    return body, response_headers.get("etag", "")[:300], response_headers.get("last-modified", "")[:100]


class FeedUnavailable(Exception):
    """A fetch failed (timeout, refused address, HTTP error, bad format). The message is a safe category."""


def feed_fetch(*, key: str, now: datetime.datetime | None = None) -> dict:
    """Fetch one declared feed, open its signals, and remember ETag/Last-Modified or the failure.

    A failure is logged and recorded on the feed's state (error category, consecutive failures, retry_after with
    exponential backoff); it never raises, so one bad feed cannot stop the others.
    """
    now = now or timezone.now()
    feed = feed_formats.feed_get(key)
    if feed is None or feed.webhook:
        raise ValidationError({"key": _("No feed to fetch is declared with this key.")})
    state, _created = FeedState.objects.get_or_create(key=key)
    state.last_attempt_at = now
    try:
        body, etag, last_modified = _read(feed, state)
        opened = []
        if body is not None:
            try:
                entries = feed_formats.parse(feed.adapter, body)
            except feed_formats.FeedFormatError as exc:
                raise FeedUnavailable(f"bad format: {exc}") from None
            opened = signals_open(feed=key, entries=entries)
            state.entries_seen = len(entries)
    except FeedUnavailable as exc:
        state.consecutive_failures += 1
        state.last_error = str(exc)[:300]
        delay = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** (state.consecutive_failures - 1))
        state.retry_after = now + datetime.timedelta(seconds=delay)
        state.save()
        logger.warning("feed %s failed (%s); retry after %s", key, state.last_error, state.retry_after.isoformat())
        return {"feed": key, "ok": False, "error": state.last_error, "opened": 0}
    state.etag, state.last_modified = etag, last_modified
    state.last_success_at, state.last_error, state.consecutive_failures, state.retry_after = now, "", 0, None
    state.save()
    return {"feed": key, "ok": True, "unchanged": body is None, "opened": len(opened)}


def feeds_fetch_due(*, now: datetime.datetime | None = None) -> list[dict]:
    """Fetch every declared feed that is not waiting out a backoff; each in turn, whatever the others do."""
    now = now or timezone.now()
    waiting = dict(FeedState.objects.filter(retry_after__gt=now).values_list("key", "retry_after"))
    results = []
    for feed in feed_formats.feeds_declared():
        if feed.webhook:
            continue
        if feed.key in waiting:
            results.append({"feed": feed.key, "ok": None, "waiting_until": waiting[feed.key].isoformat()})
            continue
        try:
            results.append(feed_fetch(key=feed.key, now=now))
        except Exception:  # a bug in one feed's handling must not stop the next feed: logged with its traceback
            logger.exception("feed %s could not be processed", feed.key)
            results.append({"feed": feed.key, "ok": False, "error": "internal error", "opened": 0})
    return results


def feed_receive(*, key: str, body: bytes) -> list[Signal]:
    """Entries a webhook feed posted to us (its signature already checked by the door)."""
    feed = feed_formats.feed_get(key)
    if feed is None or not feed.webhook:
        raise ValidationError({"key": _("No webhook feed is declared with this key.")})
    try:
        entries = feed_formats.parse(feed.adapter, body)
    except feed_formats.FeedFormatError as exc:
        raise ValidationError({"body": str(exc)}) from None
    return signals_open(feed=key, entries=entries)


# --- concentration ------------------------------------------------------------------------------------------------
THRESHOLD_FIELDS = ("dimension", "up_to_tier", "max_percent", "is_active", "note")


@transaction.atomic
def threshold_create(*, actor, **fields) -> ConcentrationThreshold:
    return _threshold_write(ConcentrationThreshold(), fields, actor=actor)


@transaction.atomic
def threshold_update(*, threshold: ConcentrationThreshold, actor, **changes) -> ConcentrationThreshold:
    return _threshold_write(threshold, changes, actor=actor)


def _threshold_write(threshold, changes, *, actor):
    unknown = set(changes) - set(THRESHOLD_FIELDS)
    if unknown:
        raise TypeError(f"A threshold cannot be written with {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(threshold, name, value)
    threshold.full_clean()
    threshold._history_user = actor
    threshold.save()
    return threshold


def _shares(threshold):
    """(total, [(subject, count)]) above the threshold for this dimension: one or two aggregate queries."""
    dimension = threshold.dimension
    if dimension == ConcentrationDimension.CRITICAL_FLOWS:
        total, rows = critical_flow_shares(limit=None)
        return total, [(row["slug"], row["flows"]) for row in rows]
    if dimension == ConcentrationDimension.COUNTRY:
        total, rows = country_shares(up_to_tier=threshold.up_to_tier, limit=None)
        return total, [(row["country"], row["vendors"]) for row in rows]
    total, rows = subprocessor_shares(up_to_tier=threshold.up_to_tier, limit=None)
    return total, [(row["slug"], row["vendors"]) for row in rows]


@transaction.atomic
def concentration_check(*, now: datetime.datetime | None = None) -> dict:
    """Raise a finding for each provider or country over an active threshold (once while it stays over) and resolve
    the findings that fell back under. Idempotent: running it twice opens nothing twice."""
    now = now or timezone.now()
    opened = resolved = 0
    for threshold in ConcentrationThreshold.objects.filter(is_active=True):
        total, rows = _shares(threshold)
        over = {}
        for subject, count in rows:
            share = 100 * count / total if total else 0
            if share > threshold.max_percent:
                over[subject] = (count, share)
        current = {f.subject: f for f in threshold.findings.filter(status=ConcentrationFindingStatus.OPEN)}
        for subject, (count, share) in over.items():
            finding = current.get(subject)
            if finding is None:
                finding = ConcentrationFinding.objects.create(
                    threshold=threshold, subject=subject, share_percent=round(share, 2), count=count, total=total
                )
                opened += 1
                concentration_threshold_exceeded.send(sender=ConcentrationFinding, finding=finding)
            else:
                finding.share_percent, finding.count, finding.total = round(share, 2), count, total
                finding.save(update_fields=["share_percent", "count", "total", "updated_at"])
        for subject, finding in current.items():
            if subject not in over:
                finding.status, finding.resolved_at = ConcentrationFindingStatus.RESOLVED, now
                finding.save(update_fields=["status", "resolved_at", "updated_at"])
                resolved += 1
    return {"opened": opened, "resolved": resolved}


# --- residual risk ------------------------------------------------------------------------------------------------
@transaction.atomic
def residual_risk_recompute(*, vendor_ids=None, now: datetime.datetime | None = None) -> int:
    """Recompute the residual rating of these vendors (all by default); a change keeps a history row.

    Returns the number of vendors whose rating or score changed. Running it again changes nothing.
    """
    now = now or timezone.now()
    inputs = residual_inputs_for_vendors(vendor_ids=vendor_ids)
    current = {row.vendor_id: row for row in ResidualRisk.objects.filter(vendor_id__in=list(inputs))}
    changed, new_rows, history = 0, [], []
    for vendor_id, vendor_inputs in inputs.items():
        result = compute_residual(vendor_inputs)
        row = current.get(vendor_id)
        if row is not None and (row.rating, row.score, row.reasons) == (result.rating, result.score, result.reasons):
            continue
        changed += 1
        history.append(
            ResidualRiskChange(
                vendor_id=vendor_id,
                from_rating=row.rating if row else None,
                to_rating=result.rating,
                score=result.score,
                reasons=result.reasons,
                inputs=vendor_inputs.as_dict(),
            )
        )
        if row is None:
            new_rows.append(
                ResidualRisk(
                    vendor_id=vendor_id,
                    rating=result.rating,
                    score=result.score,
                    reasons=result.reasons,
                    inputs=vendor_inputs.as_dict(),
                    computed_at=now,
                )
            )
        else:
            row.rating, row.score, row.reasons, row.inputs, row.computed_at = (
                result.rating,
                result.score,
                result.reasons,
                vendor_inputs.as_dict(),
                now,
            )
            row.save()
    ResidualRisk.objects.bulk_create(new_rows, batch_size=1000)
    ResidualRiskChange.objects.bulk_create(history, batch_size=1000)
    return changed
