"""Breach feeds served from loopback: matching, signals (once), confirm/dismiss, failures that stop nothing else."""

import datetime
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from apps.core.exceptions import TransitionRefused
from apps.incidents.choices import Reliability
from apps.monitoring import services
from apps.monitoring.choices import MatchKind, SignalStatus
from apps.monitoring.models import FeedState, Signal
from apps.notifications.models import NotificationEvent

HIBP = json.dumps(
    [
        {
            "Name": "AcmeAnalytics",
            "Title": "Acme Analytics",
            "Domain": "acme-analytics.com",
            "BreachDate": "2026-11-20",
            "AddedDate": "2026-11-28T10:00:00Z",
            "Description": "In November 2026, <b>Acme Analytics</b> suffered a breach of customer profiles.",
            "DataClasses": ["Email addresses", "IP addresses"],
        },
        {
            "Name": "Unrelated",
            "Title": "Unrelated Forum",
            "Domain": "unrelated-forum.example",
            "BreachDate": "2026-10-01",
        },
    ]
).encode()

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Security news</title>
<item><guid>news-1</guid><title>Acme Analytics confirms attackers took customer data</title>
<link>https://news.example/acme</link><pubDate>Sat, 28 Nov 2026 09:00:00 GMT</pubDate>
<description>The analytics company said on Friday...</description></item>
<item><guid>news-2</guid><title>A quiet week</title><description>Nothing happened.</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Status</title>
<entry><id>tag:status,2026:1</id><title>Security notice</title><link href="https://status.example/1"/>
<updated>2026-11-29T00:00:00Z</updated><summary>Unauthorised access to dc.example storage.</summary></entry>
</feed>"""


@pytest.fixture
def hibp_feed(settings, feed_server):
    feed_server.routes["/breaches"] = (200, "application/json", HIBP, 0)
    settings.MONITORING_FEEDS = [{"key": "hibp", "adapter": "hibp", "url": feed_server.url("/breaches")}]
    return feed_server


def test_an_entry_matching_a_vendor_s_domain_opens_one_signal_and_running_twice_opens_no_more(chain, hibp_feed):
    first = services.feeds_fetch_due()
    assert first == [{"feed": "hibp", "ok": True, "unchanged": False, "opened": 1}]
    [signal] = Signal.objects.all()
    assert signal.vendor == chain.acme and signal.status == SignalStatus.OPEN
    assert (signal.match_kind, signal.matched_on, signal.match_score) == (MatchKind.DOMAIN, "acme-analytics.com", 1.0)
    assert signal.published_on == datetime.date(2026, 11, 20)
    assert signal.data_classes == ["Email addresses", "IP addresses"]
    assert "<b>" not in signal.summary
    # What the vendor receives from us, and through which flow, is on the signal for triage.
    assert signal.exposure["flows"] == [
        {
            "flow": "console-to-acme",
            "system": "console",
            "mechanism": "server_api",
            "ended_on": None,
            "categories": ["email-address", "ip-address", "payment-card"],
        }
    ]

    second = services.feeds_fetch_due()
    assert second[0]["ok"] is True and second[0]["opened"] == 0
    assert Signal.objects.count() == 1
    # The second fetch was conditional and the server answered 304.
    assert hibp_feed.requests[-1][1].get("If-None-Match")
    assert second[0]["unchanged"] is True


def test_the_same_entry_in_a_changed_feed_is_still_one_signal(chain, hibp_feed):
    services.feeds_fetch_due()
    hibp_feed.routes["/breaches"] = (200, "application/json", HIBP.replace(b"customer profiles", b"profiles"), 0)
    result = services.feeds_fetch_due()
    assert result[0]["unchanged"] is False and result[0]["opened"] == 0
    assert Signal.objects.count() == 1


def test_an_entry_matching_nothing_opens_no_signal(chain, settings, feed_server):
    body = json.dumps([{"Name": "Unrelated", "Title": "Unrelated Forum", "Domain": "unrelated-forum.example"}])
    feed_server.routes["/breaches"] = (200, "application/json", body.encode(), 0)
    settings.MONITORING_FEEDS = [{"key": "hibp", "adapter": "hibp", "url": feed_server.url("/breaches")}]
    assert services.feeds_fetch_due()[0] == {"feed": "hibp", "ok": True, "unchanged": False, "opened": 0}
    assert not Signal.objects.exists()


def test_a_news_feed_matches_by_name_with_a_score_and_atom_by_a_domain_in_the_text(chain, settings, feed_server):
    feed_server.routes["/news.xml"] = (200, "application/rss+xml", RSS, 0)
    feed_server.routes["/status.atom"] = (200, "application/atom+xml", ATOM, 0)
    settings.MONITORING_FEEDS = [
        {"key": "news", "adapter": "rss", "url": feed_server.url("/news.xml")},
        {"key": "status", "adapter": "rss", "url": feed_server.url("/status.atom")},
    ]
    services.feeds_fetch_due()
    news = Signal.objects.get(feed="news")
    assert (news.vendor, news.match_kind, news.matched_on, news.match_score) == (
        chain.acme,
        MatchKind.NAME,
        "acme analytics",
        0.75,
    )
    assert news.url == "https://news.example/acme" and news.published_on == datetime.date(2026, 11, 28)
    assert Signal.objects.filter(feed="news").count() == 1  # "A quiet week" matches nobody
    status = Signal.objects.get(feed="status")
    assert (status.vendor, status.match_kind) == (chain.datacentre, MatchKind.DOMAIN)
    # datacentre receives nothing from us directly: what reaches it through the chain is on the signal instead.
    assert status.exposure["flows"] == []
    assert status.exposure["through_chain"]["vendors"] == ["acme"]
    assert Signal.objects.count() == 2


def test_a_file_feed_is_read_from_disk(chain, settings, tmp_path):
    path = tmp_path / "breaches.json"
    path.write_bytes(HIBP)
    settings.MONITORING_FEEDS = [{"key": "local", "adapter": "hibp", "file": str(path)}]
    assert services.feeds_fetch_due()[0]["opened"] == 1


def test_confirming_opens_an_incident_with_the_feed_as_a_medium_reliability_source(chain, hibp_feed, reviewer):
    services.feeds_fetch_due()
    signal = Signal.objects.get()
    signal = services.signal_confirm(signal=signal, actor=reviewer)

    incident = signal.incident
    assert signal.status == SignalStatus.CONFIRMED and signal.decided_by == reviewer
    assert incident.vendor == chain.acme and incident.title == "Acme Analytics"
    assert list(incident.affected_flows.values_list("code", flat=True)) == ["console-to-acme"]
    [source] = incident.sources.all()
    assert source.reliability == Reliability.MEDIUM and source.kind == "secondary"
    assert source.publisher == "hibp" and "Acme Analytics" in source.title
    assert source.published_on == datetime.date(2026, 11, 20)

    with pytest.raises(TransitionRefused) as refused:
        services.signal_confirm(signal=signal, actor=reviewer)
    assert refused.value.code == "signal_not_open"
    kinds = set(NotificationEvent.objects.values_list("kind", flat=True))
    assert {"signal.opened", "signal.confirmed", "incident.recorded"} <= kinds


def test_confirming_with_high_severity_opens_the_incident_response(chain, hibp_feed, reviewer):
    services.feeds_fetch_due()
    signal = services.signal_confirm(signal=Signal.objects.get(), actor=reviewer, severity="high")
    assert signal.incident.reviews.filter(kind="incident").count() == 1


def test_dismissing_needs_a_reason_and_is_kept(chain, hibp_feed, reviewer):
    from django.core.exceptions import ValidationError

    services.feeds_fetch_due()
    signal = Signal.objects.get()
    with pytest.raises(ValidationError) as error:
        services.signal_dismiss(signal=signal, actor=reviewer, reason="  ")
    assert "reason" in error.value.message_dict
    signal.refresh_from_db()
    assert signal.status == SignalStatus.OPEN
    signal = services.signal_dismiss(signal=signal, actor=reviewer, reason="Old breach, before our contract.")
    assert signal.status == SignalStatus.DISMISSED and signal.dismiss_reason == "Old breach, before our contract."


def test_a_feed_that_times_out_or_answers_garbage_is_logged_and_retried_without_stopping_the_others(
    chain, settings, feed_server, caplog
):
    feed_server.routes["/slow"] = (200, "application/json", b"[]", 2)  # longer than the 0.5 s test timeout
    feed_server.routes["/garbage"] = (200, "application/json", b"<html>oops</html>", 0)
    feed_server.routes["/good"] = (200, "application/json", HIBP, 0)
    settings.MONITORING_FEEDS = [
        {"key": "slow", "adapter": "hibp", "url": feed_server.url("/slow")},
        {"key": "garbage", "adapter": "hibp", "url": feed_server.url("/garbage")},
        {"key": "good", "adapter": "hibp", "url": feed_server.url("/good")},
    ]
    results = {r["feed"]: r for r in services.feeds_fetch_due()}

    assert results["slow"] == {"feed": "slow", "ok": False, "error": "timeout", "opened": 0}
    assert results["garbage"] == {"feed": "garbage", "ok": False, "error": "bad format: not JSON", "opened": 0}
    assert results["good"]["opened"] == 1
    assert "feed slow failed (timeout)" in caplog.text and "feed garbage failed" in caplog.text
    states = {state.key: state for state in FeedState.objects.all()}
    assert states["slow"].consecutive_failures == 1 and states["slow"].retry_after > timezone.now()
    assert states["good"].consecutive_failures == 0 and states["good"].last_success_at

    # Before the backoff is over, the failed feeds wait; the good one is fetched again.
    again = {r["feed"]: r for r in services.feeds_fetch_due()}
    assert again["slow"]["ok"] is None and again["garbage"]["ok"] is None and again["good"]["ok"] is True

    # After it, they are retried: the garbage feed now answers well, the slow one fails again, backing off longer.
    feed_server.routes["/garbage"] = (200, "application/json", b"[]", 0)
    later = timezone.now() + datetime.timedelta(hours=1)
    retried = {r["feed"]: r for r in services.feeds_fetch_due(now=later)}
    assert retried["garbage"]["ok"] is True
    assert retried["slow"]["ok"] is False
    slow = FeedState.objects.get(key="slow")
    assert slow.consecutive_failures == 2 and slow.retry_after - later == datetime.timedelta(seconds=600)
    assert Signal.objects.count() == 1


def test_a_feed_is_fetched_through_the_webhook_address_guard(chain, settings, feed_server):
    feed_server.routes["/breaches"] = (200, "application/json", HIBP, 0)
    settings.MONITORING_FEEDS = [{"key": "hibp", "adapter": "hibp", "url": feed_server.url("/breaches")}]
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    result = services.feeds_fetch_due()[0]
    assert result["ok"] is False and result["error"] == "address not allowed"
    assert feed_server.requests == [] and not Signal.objects.exists()


def test_xml_with_entities_is_refused_as_garbage(chain, settings, feed_server):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]>'
        b"<rss><channel><item><title>&a;</title></item></channel></rss>"
    )
    feed_server.routes["/bomb"] = (200, "application/rss+xml", bomb, 0)
    settings.MONITORING_FEEDS = [{"key": "bomb", "adapter": "rss", "url": feed_server.url("/bomb")}]
    assert services.feeds_fetch_due()[0]["error"].startswith("bad format")


@pytest.fixture
def webhook_feed(settings):
    secret = "partner-feed-secret-0123456789"
    settings.MONITORING_FEEDS = [{"key": "partner", "adapter": "hibp", "webhook": True, "secret": secret}]
    return secret


def _signed(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_webhook_feed_posts_entries_signed_and_opens_signals_once(chain, webhook_feed, client):
    body = json.dumps({"breaches": json.loads(HIBP)}).encode()
    url = "/api/v1/feeds/partner/entries/"
    headers = {"HTTP_X_FEED_SIGNATURE": _signed(webhook_feed, body)}
    response = client.post(url, body, content_type="application/json", **headers)
    assert response.status_code == 202 and response.json() == {"opened": 1}
    assert client.post(url, body, content_type="application/json", **headers).json() == {"opened": 0}
    assert Signal.objects.get().feed == "partner"


def test_a_webhook_feed_with_a_bad_signature_or_an_unknown_key_is_refused(chain, webhook_feed, client):
    body = json.dumps({"breaches": json.loads(HIBP)}).encode()
    bad = client.post(
        "/api/v1/feeds/partner/entries/", body, content_type="application/json", HTTP_X_FEED_SIGNATURE="sha256=00"
    )
    unknown = client.post(
        "/api/v1/feeds/nope/entries/",
        body,
        content_type="application/json",
        HTTP_X_FEED_SIGNATURE=_signed(webhook_feed, body),
    )
    assert bad.status_code == 403 and unknown.status_code == 403
    assert not Signal.objects.exists()
