"""Slugs are prefilled from the name on every create form of the admin (issue 24), and a slug fixed once it
exists (read-only on the change page) does not break that page."""

import html
import json
import re

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from tests.factories.accounts import UserFactory
from tests.factories.risk import SecurityRequirementFactory

NAME_FIELDS = ("display_name", "name", "title")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def _slug_forms(request):
    """(model, admin or inline, slug field, name field) for every create form showing a slug and a name."""
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("apps."):
            continue
        candidates = [model_admin] + [inline(model, admin.site) for inline in model_admin.inlines]
        for candidate in candidates:
            if not candidate.has_add_permission(request, *(() if candidate is model_admin else (None,))):
                continue
            form_fields = (
                set(candidate.get_form(request).base_fields)
                if candidate is model_admin
                else set(candidate.get_formset(request).form.base_fields)
            )
            target = candidate.model
            slugs = [f.name for f in target._meta.fields if isinstance(f, models.SlugField) and f.name in form_fields]
            names = [name for name in NAME_FIELDS if name in form_fields]
            for slug in slugs:
                if names:
                    yield target, candidate, slug, names[0]


def test_every_create_form_with_a_slug_and_a_name_prefills_the_slug(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    found = list(_slug_forms(request))
    assert len(found) >= 8  # vendors, services, systems, categories, requirements, incidents, sources, functions
    gaps = [
        f"{target.__name__}.{slug} from {name} ({type(candidate).__name__})"
        for target, candidate, slug, name in found
        if candidate.get_prepopulated_fields(request).get(slug) != [name]
    ]
    assert not gaps, gaps


def _prepopulated_ids(page):
    match = re.search(r'data-prepopulated-fields="([^"]*)"', page)
    return {entry["id"] for entry in json.loads(html.unescape(match.group(1)))} if match else set()


@pytest.mark.django_db
def test_add_pages_prefill_and_change_pages_with_fixed_codes_still_open(client, superuser):
    client.force_login(superuser)
    for path, field in (
        ("/admin/datamap/system/add/", "#id_slug"),
        ("/admin/datamap/datacategory/add/", "#id_code"),
        ("/admin/risk/securityrequirement/add/", "#id_code"),
        ("/admin/incidents/incident/add/", "#id_slug"),
        ("/admin/vendors/vendor/add/", "#id_slug"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert field in _prepopulated_ids(response.content.decode()), path
    requirement = SecurityRequirementFactory(code="signed-dpa")
    response = client.get(f"/admin/risk/securityrequirement/{requirement.pk}/change/")
    assert response.status_code == 200
    assert "#id_code" not in _prepopulated_ids(response.content.decode())
