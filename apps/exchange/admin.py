"""Admin of the DORA additions; every write goes through apps.exchange.services (ServiceAdmin)."""

from django.contrib import admin

from apps.core.admin import ServiceAdmin

from . import services
from .models import ArrangementDetails, IctFunction, OrganisationEntity, ProviderIdentity


def _changes(form, allowed):
    return {name: form.cleaned_data[name] for name in form.changed_data if name in allowed}


@admin.register(OrganisationEntity)
class OrganisationEntityAdmin(ServiceAdmin):
    list_display = ("name", "lei", "country", "entity_type", "maintains_register")
    search_fields = ("name", "lei")

    def create(self, request, obj, form):
        fields = {name: form.cleaned_data[name] for name in services.ENTITY_FIELDS if name in form.cleaned_data}
        return services.entity_create(actor=request.user, **fields)

    def update(self, request, obj, form):
        return services.entity_update(entity=obj, actor=request.user, **_changes(form, services.ENTITY_FIELDS))


@admin.register(ProviderIdentity)
class ProviderIdentityAdmin(ServiceAdmin):
    list_display = ("vendor", "code", "code_type", "ultimate_parent_code")
    search_fields = ("vendor__display_name", "code")
    list_select_related = ("vendor",)
    autocomplete_fields = ("vendor",)

    def create(self, request, obj, form):
        fields = {name: form.cleaned_data[name] for name in services.PROVIDER_FIELDS if name in form.cleaned_data}
        return services.provider_identity_set(vendor=form.cleaned_data["vendor"], actor=request.user, **fields)

    def update(self, request, obj, form):
        return services.provider_identity_set(
            vendor=obj.vendor, actor=request.user, **_changes(form, services.PROVIDER_FIELDS)
        )


@admin.register(IctFunction)
class IctFunctionAdmin(ServiceAdmin):
    list_display = ("identifier", "name", "entity", "criticality")
    list_select_related = ("entity",)
    search_fields = ("identifier", "name")
    prepopulated_fields = {"identifier": ["name"]}

    def create(self, request, obj, form):
        fields = {name: form.cleaned_data[name] for name in services.FUNCTION_FIELDS if name in form.cleaned_data}
        return services.function_create(actor=request.user, **fields)

    def update(self, request, obj, form):
        return services.function_update(function=obj, actor=request.user, **_changes(form, services.FUNCTION_FIELDS))


@admin.register(ArrangementDetails)
class ArrangementDetailsAdmin(ServiceAdmin):
    list_display = ("contract", "entity", "ict_service_type", "reliance", "substitutability")
    list_select_related = ("contract__vendor", "entity")
    autocomplete_fields = ("contract",)

    def create(self, request, obj, form):
        fields = {name: form.cleaned_data[name] for name in services.ARRANGEMENT_FIELDS if name in form.cleaned_data}
        return services.arrangement_set(contract=form.cleaned_data["contract"], actor=request.user, **fields)

    def update(self, request, obj, form):
        return services.arrangement_set(
            contract=obj.contract, actor=request.user, **_changes(form, services.ARRANGEMENT_FIELDS)
        )
