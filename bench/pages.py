"""Bench rows for the HTML pages people read: every admin changelist, every workspace list and detail page, and
the intake form's size. Each row is a GET through the real URL as the bench's security reviewer."""

import logging

from django.contrib import admin
from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from apps.reviews.models import Review
from bench.harness import measure, not_built


def _get(client, path, *, sizes=None):
    def action():
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        if sizes is not None:
            sizes.append(len(response.content))
        return response

    return action


def admin_changelists():
    """(label, url) of every changelist registered in the admin, the vendor register first."""
    found = []
    for model in admin.site._registry:
        opts = model._meta
        try:
            found.append((opts.verbose_name_plural, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
        except NoReverseMatch:
            continue
    return sorted(found, key=lambda item: (item[1] != "/admin/vendors/vendor/", item[1]))


def admin_rows(client, *, repeat):
    rows = []
    for label, url in admin_changelists():
        logging.disable(logging.WARNING)  # the refused probes below would print a traceback each
        try:
            refused = client.get(url).status_code == 403  # users, groups, devices: not a reviewer's page
        finally:
            logging.disable(logging.INFO)
        if refused:
            continue
        rows.append(measure(f"admin changelist {label}", _get(client, url), repeat=repeat))
        rows[-1].note = url
    return rows


def workspace_paths(*, vendor, incident):
    paths = [
        ("workspace vendor list", "/vendors/"),
        ("workspace incident list", "/incidents/"),
        ("workspace finding list", "/findings/"),
        ("workspace evidence list", "/evidence/"),
        (f"workspace vendor page ({vendor.flow_count} flows)", f"/vendors/{vendor.slug}/"),
    ]
    if incident is not None:
        paths.append((f"workspace incident page ({incident.n} exposures)", f"/incidents/{incident.pk}/"))
    review = Review.objects.annotate(n=Count("findings")).order_by("-n", "pk").first()
    if review is not None:
        paths.append((f"workspace review page ({review.n} findings)", f"/reviews/{review.pk}/"))
    return paths


def workspace_rows(client, *, repeat, vendor, incident):
    return [
        measure(name, _get(client, path), repeat=repeat)
        for name, path in workspace_paths(vendor=vendor, incident=incident)
    ]


def intake_form_row(client, *, repeat, vendors):
    try:
        path = reverse("intake:create")
    except NoReverseMatch:
        return not_built("intake form GET", "/intake/new/")
    sizes = []
    row = measure("intake form GET /intake/new/", _get(client, path, sizes=sizes), repeat=repeat)
    row.note = f"{sizes[-1]:,} bytes at {vendors:,} vendors"
    return row
