"""Services are the only writers: every admin page and every API resource that writes goes through one.

The static half reads the admin registry and the API router; the dynamic half (tests/write_guard.py) is
used by the fuzz test and the HTTP worked example, which exercise every operation.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from rest_framework import mixins

from apps.api.urls import router
from apps.api.viewsets import ServiceWriteMixin
from apps.core.admin import ServiceAdmin, ServiceInline
from tests.factories.accounts import UserFactory
from tests.write_guard import writes_only_through_services


def _register_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("apps.")
    ]


@pytest.fixture
def superuser_request(db):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    return request


def _writes(obj, request, *, inline=False):
    add_args = (None,) if inline else ()  # an inline's add permission takes the parent object
    return (
        obj.has_add_permission(request, *add_args)
        or obj.has_change_permission(request, None)
        or (getattr(obj, "can_delete", True) and obj.has_delete_permission(request, None))
    )


def test_every_register_admin_that_writes_goes_through_services(superuser_request):
    offenders = []
    for model, model_admin in _register_admins():
        if _writes(model_admin, superuser_request) and not isinstance(model_admin, ServiceAdmin):
            offenders.append(f"{model.__name__}: {type(model_admin).__name__} is not a ServiceAdmin")
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            if _writes(inline, superuser_request, inline=True) and not isinstance(inline, ServiceInline):
                offenders.append(f"{model.__name__}: inline {inline_class.__name__} writes without a service")
    assert not offenders, "\n".join(offenders)


WRITE_MIXINS = {
    mixins.CreateModelMixin: "create_object",
    mixins.UpdateModelMixin: "update_object",
    mixins.DestroyModelMixin: "destroy_object",
}


def test_every_api_resource_that_writes_goes_through_services():
    offenders = []
    for prefix, viewset, _basename in router.registry:
        for mixin, hook in WRITE_MIXINS.items():
            if not issubclass(viewset, mixin):
                continue
            if not issubclass(viewset, ServiceWriteMixin):
                offenders.append(f"/{prefix}/: {viewset.__name__} writes without ServiceWriteMixin")
                break
            if getattr(viewset, hook) is getattr(ServiceWriteMixin, hook):
                offenders.append(f"/{prefix}/: {viewset.__name__} offers {mixin.__name__} but no {hook}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
def test_the_write_guard_catches_a_write_around_the_services():
    from apps.datamap.models import System

    with writes_only_through_services() as stray:
        System.objects.create(slug="crm", name="CRM")
    assert stray == [("save_base", "System")]
