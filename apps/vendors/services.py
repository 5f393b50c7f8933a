"""Writes of the vendor register: vendors, their services, contracts, evidence, contacts and subprocessors.

Every door (admin, API, intake, commands) writes through these. Each is one transaction, validates the row
with `full_clean()` and raises ValidationError naming the field. A vendor's status and tier are never set
here: they move through the workflow (apps.vendors.workflow) and the tiering service (apps.risk.services),
which keep their own history rows.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from apps.accounts.roles import require_security_reviewer
from apps.core.batch import BATCH_SIZE, clean_loaded

from .choices import VendorStatus
from .models import Contact, Contract, Document, Subprocessor, Vendor, VendorService
from .selectors import subprocessor_chain_path

VENDOR_FIELDS = frozenset(
    {"slug", "legal_name", "display_name", "website", "domains", "hq_country", "category", "owner", "description"}
)
# Where each guarded vendor field changes instead; a door that passes one gets this reason on that field.
VENDOR_GUARDED = {
    "status": gettext_lazy(
        "The status changes through the workflow (reviews, incidents, offboarding), not by editing."
    ),
    "tier": gettext_lazy("The tier is computed from the data map; an override goes through the tiering service."),
    "computed_tier": gettext_lazy("The tier is computed from the data map."),
    "tier_override": gettext_lazy("A tier override goes through the tiering service, with a reason."),
    "tier_override_reason": gettext_lazy("A tier override goes through the tiering service, with a reason."),
}
SERVICE_FIELDS = frozenset(
    {"slug", "name", "description", "business_criticality", "production_access", "handles_secrets"}
)
CONTRACT_FIELDS = frozenset(
    {
        "reference",
        "description",
        "starts_on",
        "ends_on",
        "dpa_signed_on",
        "breach_notification_hours",
        "audit_rights",
        "subprocessor_change_notice_days",
        "termination_notice_days",
        "annual_value",
    }
)
DOCUMENT_FIELDS = frozenset({"kind", "title", "issued_on", "expires_on", "file"})
# A verification covers what was checked: changing any of these makes the document unverified again.
DOCUMENT_VERIFIED_FIELDS = frozenset({"kind", "issued_on", "expires_on", "file"})
CONTACT_FIELDS = frozenset({"name", "role", "email", "phone", "is_security_contact"})
SUBPROCESSOR_FIELDS = frozenset({"purpose", "country"})


def _write(obj, changes, allowed, *, actor):
    """Apply `changes` (only names in `allowed`), validate the row, save it with `actor` in its history."""
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"{type(obj).__name__} cannot be written with {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj._history_user = actor
    obj.save()
    return obj


def _refuse_guarded_vendor_fields(changes):
    guarded = {name: VENDOR_GUARDED[name] for name in changes if name in VENDOR_GUARDED}
    if guarded:
        raise ValidationError(guarded)


def _normalise_vendor(changes):
    if changes.get("hq_country"):
        changes["hq_country"] = changes["hq_country"].upper()
    if "domains" in changes:
        changes["domains"] = [domain.strip().lower() for domain in changes["domains"] or () if domain.strip()]
    return changes


# --- vendors ----------------------------------------------------------------------------------------------------
@transaction.atomic
def vendor_create(*, actor, **fields) -> Vendor:
    """A new vendor, always *proposed*: it becomes active only through an approved review."""
    _refuse_guarded_vendor_fields(fields)
    vendor = Vendor(status=VendorStatus.PROPOSED)
    return _write(vendor, _normalise_vendor(dict(fields)), VENDOR_FIELDS, actor=actor)


@transaction.atomic
def vendor_update(*, vendor: Vendor, actor, **changes) -> Vendor:
    """Change a vendor's descriptive fields. Status and tier are refused (ValidationError naming them)."""
    _refuse_guarded_vendor_fields(changes)
    return _write(vendor, _normalise_vendor(dict(changes)), VENDOR_FIELDS, actor=actor)


@transaction.atomic
def vendors_create_batch(*, actor, rows) -> list:
    """`vendor_create` for many rows (dicts of its fields) in a constant number of queries.

    The same rules: guarded fields refused, normalised, validated, always proposed, one history row each. Returns,
    per row in order, the new vendor or the ValidationError that refused it (nothing is written for that row).
    """
    rows = [dict(row) for row in rows]
    used = set(Vendor.objects.filter(slug__in=[row.get("slug") for row in rows]).values_list("slug"))
    results, new = [], []
    for fields in rows:
        try:
            _refuse_guarded_vendor_fields(fields)
            unknown = set(fields) - VENDOR_FIELDS
            if unknown:
                raise TypeError(f"Vendor cannot be written with {', '.join(sorted(unknown))}")
            vendor = Vendor(status=VendorStatus.PROPOSED, **_normalise_vendor(fields))
            clean_loaded(vendor, taken=[(("slug",), used, None)])
        except ValidationError as error:
            results.append(error)
            continue
        used.add((vendor.slug,))
        results.append(vendor)
        new.append(vendor)
    bulk_create_with_history(new, Vendor, batch_size=BATCH_SIZE, default_user=actor)
    return results


# --- what a vendor does for us ----------------------------------------------------------------------------------
@transaction.atomic
def vendor_service_create(*, vendor: Vendor, actor, **fields) -> VendorService:
    return _write(VendorService(vendor=vendor), fields, SERVICE_FIELDS, actor=actor)


@transaction.atomic
def vendor_service_update(*, service: VendorService, actor, **changes) -> VendorService:
    """Change a service; it stays with its vendor (flows and subprocessors hang off it)."""
    return _write(service, changes, SERVICE_FIELDS, actor=actor)


@transaction.atomic
def vendor_services_create_batch(*, actor, rows) -> list:
    """`vendor_service_create` for many (vendor, fields) pairs in a constant number of queries.

    Returns, per pair in order, the new service or the ValidationError that refused it.
    """
    rows = list(rows)
    used = set(
        VendorService.objects.filter(
            vendor_id__in={vendor.pk for vendor, _fields in rows}, slug__in={fields.get("slug") for _v, fields in rows}
        ).values_list("vendor_id", "slug")
    )
    constraint = next(c for c in VendorService._meta.constraints if c.name == "vendorservice_unique_slug_per_vendor")
    results, new = [], []
    for vendor, fields in rows:
        unknown = set(fields) - SERVICE_FIELDS
        if unknown:
            raise TypeError(f"VendorService cannot be written with {', '.join(sorted(unknown))}")
        service = VendorService(vendor=vendor, **fields)
        try:
            clean_loaded(service, taken=[(("vendor", "slug"), used, constraint.violation_error_message)])
        except ValidationError as error:
            results.append(error)
            continue
        used.add((vendor.pk, service.slug))
        results.append(service)
        new.append(service)
    bulk_create_with_history(new, VendorService, batch_size=BATCH_SIZE, default_user=actor)
    return results


# --- contracts ----------------------------------------------------------------------------------------------------
@transaction.atomic
def contract_create(*, vendor: Vendor, actor, **fields) -> Contract:
    return _write(Contract(vendor=vendor), fields, CONTRACT_FIELDS, actor=actor)


@transaction.atomic
def contract_update(*, contract: Contract, actor, **changes) -> Contract:
    return _write(contract, changes, CONTRACT_FIELDS, actor=actor)


# --- evidence -----------------------------------------------------------------------------------------------------
@transaction.atomic
def document_create(*, vendor: Vendor, actor, **fields) -> Document:
    """New evidence, unverified: a security reviewer verifies it with `document_verify`."""
    return _write(Document(vendor=vendor), fields, DOCUMENT_FIELDS, actor=actor)


@transaction.atomic
def document_update(*, document: Document, actor, **changes) -> Document:
    """Change evidence. Changing what was verified (kind, dates, file) clears the verification."""
    current = Document.objects.filter(pk=document.pk).values(*(DOCUMENT_VERIFIED_FIELDS)).get()
    if any(name in changes and changes[name] != current[name] for name in DOCUMENT_VERIFIED_FIELDS):
        document.verified_by, document.verified_on = None, None
    return _write(document, changes, DOCUMENT_FIELDS, actor=actor)


@transaction.atomic
def document_verify(*, document: Document, actor, on: datetime.date | None = None) -> Document:
    """Record that a security reviewer checked the evidence (who and when). Raises PermissionDenied otherwise."""
    require_security_reviewer(actor, "verify evidence")
    document.verified_by = actor
    document.verified_on = on or timezone.localdate()
    document._history_user = actor
    document.save(update_fields=["verified_by", "verified_on", "updated_at"])
    return document


# --- contacts -----------------------------------------------------------------------------------------------------
@transaction.atomic
def contact_create(*, vendor: Vendor, actor, **fields) -> Contact:
    return _write(Contact(vendor=vendor), fields, CONTACT_FIELDS, actor=actor)


@transaction.atomic
def contact_update(*, contact: Contact, actor, **changes) -> Contact:
    return _write(contact, changes, CONTACT_FIELDS, actor=actor)


@transaction.atomic
def contact_remove(*, contact: Contact, actor) -> None:
    contact._history_user = actor
    contact.delete()


# --- subprocessors ------------------------------------------------------------------------------------------------
def _check_supported_services(vendor, services):
    # Checked here, not in Model.clean(): the many-to-many rows do not exist when clean() runs.
    foreign = [service for service in services if service.vendor_id != vendor.pk]
    if foreign:
        raise ValidationError(
            {
                "services": _("Only this vendor's own services can be supported by its subprocessor, not %(services)s.")
                % {"services": ", ".join(str(service) for service in foreign)}
            }
        )


@transaction.atomic
def subprocessor_add(*, vendor: Vendor, subprocessor: Vendor, actor, services=(), **fields) -> Subprocessor:
    """Record that `subprocessor` handles our data for `vendor`, supporting some of the vendor's own services."""
    services = list(services)
    errors = {}
    if subprocessor.pk == vendor.pk:
        errors["subprocessor"] = _("A vendor cannot be its own subprocessor.")
    elif Subprocessor.objects.filter(vendor=vendor, subprocessor=subprocessor).exists():
        errors["subprocessor"] = _("This subprocessor is already recorded for this vendor.")
    elif cycle := subprocessor_chain_path(start=subprocessor, goal=vendor):
        # A chain that comes back to where it started has no bottom: blast radius through it would be undefined.
        errors["subprocessor"] = _("This link would close a cycle in the subprocessor chain: %(chain)s.") % {
            "chain": " → ".join(v.slug for v in [vendor, *cycle])
        }
    if errors:
        raise ValidationError(errors)
    _check_supported_services(vendor, services)
    link = _write(Subprocessor(vendor=vendor, subprocessor=subprocessor), fields, SUBPROCESSOR_FIELDS, actor=actor)
    link.services.set(services)
    return link


@transaction.atomic
def subprocessor_update(*, link: Subprocessor, actor, services=None, **changes) -> Subprocessor:
    """Change purpose, country or supported services (None leaves the services as they are). The pair is fixed."""
    if services is not None:
        services = list(services)
        _check_supported_services(link.vendor, services)
    _write(link, changes, SUBPROCESSOR_FIELDS, actor=actor)
    if services is not None:
        link.services.set(services)
    return link


@transaction.atomic
def subprocessor_remove(*, link: Subprocessor, actor) -> None:
    link._history_user = actor
    link.delete()
