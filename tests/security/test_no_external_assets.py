"""Every page, as every role: a same-origin CSP, and nothing loaded from another origin.

The register exists because a third-party script in a web page leaked data; its own pages load
nothing from anywhere else and run no inline script (the CSP would block it anyway, breaking the page).
"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

ROLES = ("security-reviewer", "procurement", "dashboard", None)
STATIC_PAGES = (
    "/accounts/login/",
    "/accounts/mfa/",
    "/admin/",
    "/admin/login/",
    "/api/docs/",
    "/api/v1/",
    "/intake/",
    "/intake/new/",
    "/admin/reports/vendors/mixpanel/dataflow/",
    "/admin/reports/incidents/mixpanel-2025-11/",
    "/admin/reports/incidents/mixpanel-2025-11/notice/",
)
# (tag, attribute) pairs whose URL the browser fetches on its own; <a href> is navigation, not a load.
LOADING_ATTRIBUTES = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("iframe", "src"),
    ("frame", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("input", "src"),
    ("image", "href"),
    ("use", "href"),
}
NON_EXECUTABLE_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


class AssetCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.loads = []
        self.inline_scripts = 0
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if (tag, name) in LOADING_ATTRIBUTES and value:
                self.loads.append((tag, value))
        if tag == "link" and attrs.get("href"):
            self.loads.append((tag, attrs["href"]))
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in NON_EXECUTABLE_SCRIPT_TYPES:
            self._in_inline_script = True
        for name in attrs:
            if name.startswith("on"):
                self.inline_scripts += 1

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def is_external(url):
    url = url.strip().lower()
    return url.startswith(("http:", "https:", "//", "ftp:")) or "url(http" in url


def workspace_pages():
    """The reviewer's workspace: the dashboard, its lists, and the page of every demo vendor, incident and review."""
    from apps.incidents.models import Incident
    from apps.reviews.models import Review
    from apps.vendors.models import Vendor

    pages = ["/", "/vendors/", "/incidents/", "/findings/", "/evidence/", "/vendors/?tier=2"]
    pages += [f"/vendors/{slug}/" for slug in Vendor.objects.values_list("slug", flat=True)]
    pages += [f"/incidents/{pk}/" for pk in Incident.objects.values_list("pk", flat=True)]
    pages += [f"/reviews/{pk}/" for pk in Review.objects.values_list("pk", flat=True)]
    return pages


def admin_pages():
    pages = []
    for model in admin.site._registry:
        opts = model._meta
        for view in ("changelist", "add"):
            try:
                pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}"))
            except NoReverseMatch:
                continue
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_no_page_loads_anything_from_another_origin(client, demo_data, role):
    from tests.factories.accounts import UserFactory

    if role:
        client.force_login(UserFactory(role=role))
    checked = 0
    for path in (*STATIC_PAGES, *workspace_pages(), *admin_pages()):
        response = client.get(path)
        if response.status_code >= 300 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        assert "default-src 'self'" in response["Content-Security-Policy"], path
        collector = AssetCollector()
        collector.feed(response.content.decode())
        external = [load for load in collector.loads if is_external(load[1])]
        assert not external, f"{path} as {role}: loads {external}"
        assert collector.inline_scripts == 0, f"{path} as {role}: inline script the CSP would block"
    assert checked > 0
