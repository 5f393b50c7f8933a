"""Writes of the DORA additions (entities, provider identities, functions, arrangement details).

Each is one transaction, validates the row with `full_clean()` and raises ValidationError naming the field, like
every register service. The import (apps.exchange.importer) and the admin both call these.
"""

from django.db import transaction

from apps.vendors.models import Contract, Vendor

from .models import ArrangementDetails, IctFunction, OrganisationEntity, ProviderIdentity

ENTITY_FIELDS = frozenset(
    {"lei", "name", "country", "entity_type", "hierarchy", "parent_lei", "competent_authority", "currency"}
    | {"total_assets", "integrated_on", "maintains_register"}
)
PROVIDER_FIELDS = frozenset(
    {"code", "code_type", "person_type", "latin_name", "ultimate_parent_code", "ultimate_parent_code_type"}
)
FUNCTION_FIELDS = frozenset(
    {"identifier", "name", "entity", "licensed_activity", "criticality", "criticality_reason", "last_assessed_on"}
    | {"rto_hours", "rpo_hours", "discontinuing_impact"}
)
ARRANGEMENT_FIELDS = frozenset(
    {
        "arrangement_type",
        "overarching_reference",
        "entity",
        "ict_service_type",
        "function_identifiers",
        "currency",
        "governing_law_country",
        "provision_country",
        "provider_notice_days",
        "data_stored",
        "data_sensitiveness",
        "reliance",
        "substitutability",
        "non_substitutable_reason",
        "exit_plan",
        "reintegration",
        "discontinuing_impact",
        "last_audit_on",
        "alternative_providers",
    }
)
UPPER_CASE = ("lei", "parent_lei", "country", "currency", "governing_law_country", "provision_country", "code")


def _write(obj, changes, allowed, *, actor):
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"{type(obj).__name__} cannot be written with {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        if name in UPPER_CASE and isinstance(value, str):
            value = value.strip().upper()
        setattr(obj, name, value)
    obj.full_clean()
    obj._history_user = actor
    obj.save()
    return obj


@transaction.atomic
def entity_create(*, actor, **fields) -> OrganisationEntity:
    return _write(OrganisationEntity(), fields, ENTITY_FIELDS, actor=actor)


@transaction.atomic
def entity_update(*, entity: OrganisationEntity, actor, **changes) -> OrganisationEntity:
    return _write(entity, changes, ENTITY_FIELDS, actor=actor)


@transaction.atomic
def provider_identity_set(*, vendor: Vendor, actor, **fields) -> ProviderIdentity:
    """Record (or change) how a vendor is identified as an ICT third-party service provider."""
    identity = ProviderIdentity.objects.filter(vendor=vendor).first() or ProviderIdentity(vendor=vendor)
    return _write(identity, fields, PROVIDER_FIELDS, actor=actor)


@transaction.atomic
def function_create(*, actor, **fields) -> IctFunction:
    return _write(IctFunction(), fields, FUNCTION_FIELDS, actor=actor)


@transaction.atomic
def function_update(*, function: IctFunction, actor, **changes) -> IctFunction:
    return _write(function, changes, FUNCTION_FIELDS, actor=actor)


@transaction.atomic
def arrangement_set(*, contract: Contract, actor, **fields) -> ArrangementDetails:
    """Record (or change) a contract's DORA arrangement details."""
    details = ArrangementDetails.objects.filter(contract=contract).first() or ArrangementDetails(contract=contract)
    if "function_identifiers" in fields:
        fields["function_identifiers"] = [
            str(code).strip() for code in fields["function_identifiers"] if str(code).strip()
        ]
    return _write(details, fields, ARRANGEMENT_FIELDS, actor=actor)
