"""Concentration: shares on one provider or country, thresholds that raise a finding once, the dashboard keys."""

from decimal import Decimal

import pytest

from apps.datamap.choices import Sensitivity
from apps.monitoring.models import ConcentrationFinding
from apps.monitoring.selectors import concentration
from apps.monitoring.services import concentration_check, threshold_create
from apps.notifications.models import NotificationEvent
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory
from tests.factories.vendors import SubprocessorFactory, VendorFactory, VendorServiceFactory


@pytest.fixture
def portfolio(db):
    """Four tier-1/2 vendors, three of them on bigcloud (US), one on smallcloud (FR); one tier-4 vendor on bigcloud."""
    bigcloud = VendorFactory(slug="bigcloud", tier=3)
    smallcloud = VendorFactory(slug="smallcloud", tier=3)
    secret = DataCategoryFactory(code="api-key", sensitivity=Sensitivity.CRITICAL)
    vendors = [VendorFactory(slug=f"v{i}", tier=1 + i % 2) for i in range(4)]
    for vendor in vendors[:3]:
        SubprocessorFactory(vendor=vendor, subprocessor=bigcloud, country="US")
        DataFlowFactory(service=VendorServiceFactory(vendor=vendor), shared=[secret])
    SubprocessorFactory(vendor=vendors[3], subprocessor=smallcloud, country="FR")
    DataFlowFactory(service=VendorServiceFactory(vendor=vendors[3]), shared=[secret])
    SubprocessorFactory(vendor=VendorFactory(slug="low", tier=4), subprocessor=bigcloud, country="US")
    return bigcloud


def test_the_figures(portfolio):
    figures = concentration()
    assert figures["vendors"] == 4
    assert figures["subprocessors"][0] == {
        "slug": "bigcloud",
        "display_name": "Bigcloud",
        "vendors": 3,
        "percent": 75.0,
    }
    assert figures["countries"] == [
        {"country": "US", "vendors": 3, "percent": 75.0},
        {"country": "FR", "vendors": 1, "percent": 25.0},
    ]
    assert figures["critical_flows"] == 4
    assert (
        figures["critical_flow_providers"][0]["flows"] == 3 and figures["critical_flow_providers"][0]["percent"] == 75.0
    )


def test_a_threshold_exceeded_raises_one_finding_and_one_event_then_resolves(portfolio, reviewer):
    threshold = threshold_create(actor=reviewer, dimension="subprocessor", up_to_tier=2, max_percent=Decimal("30"))
    assert concentration_check() == {"opened": 1, "resolved": 0}
    assert concentration_check() == {"opened": 0, "resolved": 0}
    finding = ConcentrationFinding.objects.get()
    assert (finding.subject, finding.count, finding.total, finding.share_percent) == ("bigcloud", 3, 4, Decimal("75"))
    assert NotificationEvent.objects.filter(kind="concentration.threshold_exceeded").count() == 1

    threshold.max_percent = Decimal("80")
    threshold.save()
    assert concentration_check() == {"opened": 0, "resolved": 1}


def test_a_threshold_over_100_percent_is_refused_naming_the_field(db, reviewer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        threshold_create(actor=reviewer, dimension="country", up_to_tier=1, max_percent=Decimal("120"))
    assert "max_percent" in error.value.message_dict


def test_the_api_and_the_dashboard_show_concentration(api, dashboard_user, portfolio):
    client = api(dashboard_user)
    body = client.get("/api/v1/concentration/", {"up_to_tier": 1}).json()
    assert body["up_to_tier"] == 1 and body["vendors"] == 2
    assert client.get("/api/v1/concentration/", {"up_to_tier": 7}).status_code == 400
    dashboard = client.get("/api/v1/dashboard/").json()
    assert dashboard["concentration"]["subprocessors"][0]["slug"] == "bigcloud"
    assert dashboard["open_signals"] == 0


def test_concentration_runs_constant_queries(portfolio, django_assert_num_queries):
    with django_assert_num_queries(7):
        concentration()
    for i in range(10):
        SubprocessorFactory(vendor=VendorFactory(slug=f"more-{i}", tier=1), subprocessor=portfolio, country="US")
    with django_assert_num_queries(7):
        concentration()
