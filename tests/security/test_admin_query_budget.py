"""Every admin changelist runs the same number of queries whatever the number of rows on the page.

The register is filled twice by the synthetic portfolio generator (vendors, services, flows and their
categories, contracts, documents, requirement statuses, reviews with history, incidents), the second
time with about five times as many rows; each registered model's changelist must not run more queries.
"""

from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from apps.demo.portfolio import generate_portfolio

SMALL = {"vendors": 3, "systems": 2, "flows_per_vendor": 3, "heavy_vendor_flows": 0}
LARGE = {"vendors": 12, "systems": 3, "flows_per_vendor": 5, "heavy_vendor_flows": 0}


def changelist_query_counts(client):
    counts = {}
    for model in admin.site._registry:
        opts = model._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code == 403:  # not a security reviewer's page (users, groups)
            continue
        assert response.status_code == 200, url
        counts[opts.label] = (len(queries), model._default_manager.count())
    return counts


def test_every_admin_changelist_has_a_constant_query_count(client, reviewer):
    client.force_login(reviewer)
    generate_portfolio(seed=1, **SMALL)
    small = changelist_query_counts(client)
    generate_portfolio(seed=2, append=True, **LARGE)
    large = changelist_query_counts(client)

    grown = [label for label in small if large[label][1] > small[label][1]]
    assert len(grown) >= 10, "the second portfolio should add rows to most changelists"
    over = {label: (small[label][0], large[label][0]) for label in small if large[label][0] > small[label][0]}
    assert not over, f"changelists whose query count grew with their rows: {over}"
