"""Done-when #3: the crawl reaches only our configured origins and the third parties our pages call, within its
budgets, and refuses private addresses outside tests with the webhooks' guard."""

import time

import pytest

from apps.observation import crawler, services
from apps.observation.choices import CrawlStatus, FindingKind
from apps.observation.models import DriftFinding, ObservedRequest
from tests.factories.datamap import SystemFactory

from .site import SLOW_PAGE_SECONDS, tracked_site
from .test_crawl import _register


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["http://10.0.0.5/", "http://169.254.169.254/latest", "http://metadata.google.internal/"]
)
def test_a_private_page_is_refused_when_saved(reviewer, url):
    with pytest.raises(services.ValidationError) as refused:
        services.target_create(system=SystemFactory(), actor=reviewer, pages=[url])
    assert "pages" in refused.value.message_dict


@pytest.mark.django_db
def test_loopback_is_refused_outside_tests(reviewer, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(services.ValidationError) as refused:
        services.target_create(system=SystemFactory(), actor=reviewer, pages=["http://127.0.0.1:8000/"])
    assert "pages" in refused.value.message_dict


@pytest.mark.django_db
def test_sign_in_steps_stay_on_our_origins(reviewer):
    with pytest.raises(services.ValidationError) as refused:
        services.target_create(
            system=SystemFactory(),
            actor=reviewer,
            pages=["https://console.example.org/"],
            sign_in_steps=[{"goto": "https://login.other.example/"}],
        )
    assert "sign_in_steps" in refused.value.message_dict


def test_a_third_party_script_on_a_private_address_is_not_fetched(settings):
    assert crawler.fetch_script("http://10.1.2.3/sdk.js") is None
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    assert crawler.fetch_script("http://127.0.0.2:9/sdk.js") is None


def test_the_browser_resolves_no_name_but_our_own():
    rules = crawler.resolver_rules(frozenset({"http://127.0.0.1:8000"}))
    assert rules == "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


@pytest.mark.browser
@pytest.mark.django_db
def test_a_target_turned_private_fails_before_any_request(reviewer, settings):
    with tracked_site() as (site, tracker, unknown, logs):
        target, _flow = _register(site, tracker, reviewer)
        settings.WEBHOOK_ALLOW_LOOPBACK = False
        crawl = services.observe_system(target=target)
    assert crawl.status == CrawlStatus.FAILED and "may not reach" in crawl.error
    assert all(log == [] for log in logs.values())


@pytest.mark.browser
@pytest.mark.django_db
def test_a_third_party_navigation_is_recorded_never_followed(reviewer):
    with tracked_site() as (site, tracker, unknown, logs):
        target, _flow = _register(site, tracker, reviewer)
        services.target_update(target=target, actor=reviewer, pages=[f"{site}/away"])
        services.observe_system(target=target)
    assert logs["unknown"] == []
    navigation = ObservedRequest.objects.get(origin=unknown)
    assert navigation.resource_type == "navigation" and navigation.initiator == f"{site}/away.js"
    assert DriftFinding.objects.get().kind == FindingKind.UNDECLARED_VENDOR


@pytest.mark.browser
@pytest.mark.django_db
def test_the_crawl_honours_its_time_budget(reviewer):
    with tracked_site() as (site, tracker, unknown, logs):
        target, _flow = _register(site, tracker, reviewer)
        services.target_update(target=target, actor=reviewer, pages=[f"{site}/slow", f"{site}/"], max_seconds=5)
        started = time.monotonic()
        crawl = services.observe_system(target=target)
        elapsed = time.monotonic() - started
    assert crawl.status == CrawlStatus.BUDGET_EXHAUSTED
    assert elapsed < SLOW_PAGE_SECONDS / 2  # it did not wait for the slow page (the budget counts Chromium's start)
    assert ("GET", "/") not in logs["site"]  # the page after the budget ran out was never asked for


@pytest.mark.browser
@pytest.mark.django_db
def test_a_redirect_of_ours_to_a_third_party_goes_nowhere(reviewer):
    with tracked_site() as (site, tracker, unknown, logs):
        target, _flow = _register(site, tracker, reviewer)
        services.target_update(target=target, actor=reviewer, pages=[f"{site}/out", f"{site}/"])
        crawl = services.observe_system(target=target)
    assert ("GET", "/out") in logs["site"]
    assert logs["unknown"] == []  # every name but ours resolves to nothing inside the browser
    assert crawl.pages_visited == 2 and "/out" in crawl.error
