"""The import/export layout: one sheet per kind, its columns, its natural key, and the service each row goes through.

The order of KINDS is the order rows are applied (a service needs its vendor, a flow its system), whatever the
order of the sheets in the file. Each kind reads a row's current values from the register in the same text form
the export writes, so that an unchanged row is recognised and written not at all.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.datamap import services as datamap_services
from apps.datamap.choices import Sharing
from apps.datamap.models import DataCategory, DataFlow, System
from apps.vendors import services as vendor_services
from apps.vendors.models import Contact, Contract, Document, Subprocessor, Vendor, VendorService

from . import services as exchange_services
from .cells import Column
from .models import ArrangementDetails, IctFunction, OrganisationEntity, ProviderIdentity


class Context:
    """Look-ups by natural key for one import, cached: a 100,000-row sheet names the same vendors again and again."""

    def __init__(self, actor):
        self.actor = actor
        self.touched_vendor_ids = set()  # vendors whose flows changed: one tier recompute each, at the end
        self._cache = {}

    def _get(self, model, field, key, column, label):
        cache = self._cache.setdefault((model, field), {})
        if key not in cache:
            cache[key] = model.objects.filter(**{field: key}).first()
        if cache[key] is None:
            del cache[key]
            raise ValidationError(
                {
                    column: _("No %(label)s %(key)r in the register or earlier in this file.")
                    % {"label": label, "key": key}
                }
            )
        return cache[key]

    def preload(self, model, field, keys):
        """Load the rows a chunk names in one query, so that the look-ups of its rows hit the cache."""
        cache = self._cache.setdefault((model, field), {})
        missing = {key for key in keys if key and key not in cache}
        if missing:
            for obj in model.objects.filter(**{f"{field}__in": missing}):
                cache[getattr(obj, field)] = obj

    def preload_services(self, pairs):
        """Load the (vendor slug, service slug) pairs a chunk names; vendors already preloaded."""
        vendors = self._cache.get((Vendor, "slug"), {})
        cache = self._cache.setdefault((VendorService, "pair"), {})
        wanted = {(vendors[v].pk, slug) for v, slug in pairs if v in vendors and (vendors[v].pk, slug) not in cache}
        if wanted:
            found = VendorService.objects.filter(
                vendor_id__in={pk for pk, _slug in wanted}, slug__in={slug for _pk, slug in wanted}
            )
            by_pk = {vendor.pk: vendor for vendor in vendors.values()}
            for service in found:
                if (service.vendor_id, service.slug) in wanted:
                    service.vendor = by_pk[service.vendor_id]  # a flow reads its service's vendor
                    cache[(service.vendor_id, service.slug)] = service

    def loaded_service(self, vendor, slug):
        """The service if `preload_services` (or an earlier look-up) loaded it, else None; never a query."""
        return self._cache.get((VendorService, "pair"), {}).get((vendor.pk, slug))

    def forget(self, model):
        self._cache = {k: v for k, v in self._cache.items() if k[0] is not model}

    def vendor(self, slug, column="vendor"):
        return self._get(Vendor, "slug", slug, column, _("vendor"))

    def system(self, slug):
        return self._get(System, "slug", slug, "system", _("system"))

    def entity(self, lei, column="entity"):
        return self._get(OrganisationEntity, "lei", lei.upper(), column, _("entity with LEI"))

    def category(self, code, column):
        return self._get(DataCategory, "code", code, column, _("data category"))

    def service(self, vendor, slug, column="service"):
        cache = self._cache.setdefault((VendorService, "pair"), {})
        if (vendor.pk, slug) not in cache:
            found = VendorService.objects.filter(vendor=vendor, slug=slug).first()
            if found is not None:
                found.vendor = vendor
            if found is None:
                raise ValidationError(
                    {column: _("%(vendor)s has no service %(slug)r.") % {"vendor": vendor, "slug": slug}}
                )
            cache[(vendor.pk, slug)] = found
        return cache[(vendor.pk, slug)]


class Kind:
    """One sheet. Subclasses name `sheet`, `columns`, `key`, and implement find/current/create/update/export.

    A kind with `batched = True` also implements preload/find_many/draft/create_batch: the importer then creates
    its new rows a chunk at a time through the owning app's batch service (the same rules as `create`, a constant
    number of queries per chunk), and changes existing rows one by one through `update`.
    """

    batched = False

    sheet: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # Model field → sheet column, for errors a service raises on a field the sheet calls otherwise.
    field_columns: dict[str, str] = {}
    description = ""

    def column(self, name):
        return next(column for column in self.columns if column.name == name)

    def given(self, values):
        """The row's values as the import compares and writes them (a kind drops cells that mean "the default")."""
        return values

    def key_of(self, values):
        return tuple(values[name] for name in self.key)

    def batch_eligible(self, values):
        """False for a new row the batch service does not write (the importer creates it through `create`)."""
        return True

    def preload(self, ctx, rows):
        """Load into `ctx` the rows that a chunk's rows name."""

    def find_many(self, ctx, rows) -> dict:
        """The existing rows of a chunk by `key_of`; a row whose reference does not resolve is left out."""
        raise NotImplementedError

    def draft(self, ctx, values):
        """What the batch service needs for one new row; raises ValidationError as `create` would."""
        raise NotImplementedError

    def create_batch(self, ctx, drafts) -> list:
        """Per draft, the new object or the ValidationError that refused it."""
        raise NotImplementedError

    def key_text(self, values):
        return " / ".join(str(values[name]) for name in self.key)

    def find(self, ctx, values):
        raise NotImplementedError

    def current(self, obj) -> dict:
        raise NotImplementedError

    def create(self, ctx, values):
        raise NotImplementedError

    def update(self, ctx, obj, changes, values):
        raise NotImplementedError

    def export(self):
        """Rows of the register as {column: value}, in key order, streamed."""
        raise NotImplementedError

    def fields(self, values, names):
        return {self.column(name).field: values[name] for name in names}


def _fields_of(obj, names):
    return {name: getattr(obj, name) for name in names}


# --- the vendor register -------------------------------------------------------------------------------------------
class VendorKind(Kind):
    sheet = "vendors"
    description = "Vendors by slug. New vendors are proposed; status and tier move through the workflow."
    columns = (
        Column("slug", required=True),
        Column("legal_name", required=True),
        Column("display_name", required=True),
        Column("website"),
        Column("domains", "list", case="lower"),
        Column("hq_country", case="upper"),
        Column("category", required=True),
        Column("description"),
    )
    key = ("slug",)
    plain = ("legal_name", "display_name", "website", "domains", "hq_country", "category", "description")

    batched = True

    def find(self, ctx, values):
        return Vendor.objects.filter(slug=values["slug"]).first()

    def find_many(self, ctx, rows):
        return {(vendor.slug,): vendor for vendor in Vendor.objects.filter(slug__in=[row["slug"] for row in rows])}

    def current(self, obj):
        return _fields_of(obj, self.plain)

    def create(self, ctx, values):
        return vendor_services.vendor_create(actor=ctx.actor, **values)

    def draft(self, ctx, values):
        return values

    def create_batch(self, ctx, drafts):
        return vendor_services.vendors_create_batch(actor=ctx.actor, rows=drafts)

    def update(self, ctx, obj, changes, values):
        return vendor_services.vendor_update(vendor=obj, actor=ctx.actor, **changes)

    def export(self):
        for vendor in Vendor.objects.order_by("slug").iterator(chunk_size=2000):
            yield {"slug": vendor.slug, **self.current(vendor)}


class ServiceKind(Kind):
    sheet = "services"
    description = "What each vendor does for us, by vendor slug and service slug."
    columns = (
        Column("vendor", required=True),
        Column("slug", required=True),
        Column("name", required=True),
        Column("description"),
        Column("business_criticality"),
        Column("production_access", "bool"),
        Column("handles_secrets", "bool"),
    )
    key = ("vendor", "slug")
    plain = ("name", "description", "business_criticality", "production_access", "handles_secrets")

    def given(self, values):
        # An empty criticality is the default on a new service and "leave it" on an existing one: otherwise the
        # same file imported twice would try to blank it the second time.
        if not values.get("business_criticality"):
            values.pop("business_criticality", None)
        return values

    batched = True

    def find(self, ctx, values):
        return VendorService.objects.filter(vendor=ctx.vendor(values["vendor"]), slug=values["slug"]).first()

    def preload(self, ctx, rows):
        ctx.preload(Vendor, "slug", {row["vendor"] for row in rows})

    def find_many(self, ctx, rows):
        ctx.preload_services({(row["vendor"], row["slug"]) for row in rows})
        found = {}
        for row in rows:
            try:
                service = ctx.loaded_service(ctx.vendor(row["vendor"]), row["slug"])
            except ValidationError:
                continue  # an unknown vendor, that `draft` reports
            if service is not None:
                found[self.key_of(row)] = service
        return found

    def current(self, obj):
        return _fields_of(obj, self.plain)

    def create(self, ctx, values):
        vendor, values = self.draft(ctx, values)
        return vendor_services.vendor_service_create(vendor=vendor, actor=ctx.actor, **values)

    def draft(self, ctx, values):
        vendor = ctx.vendor(values.pop("vendor"))
        if not values.get("business_criticality"):
            values.pop("business_criticality", None)
        return vendor, values

    def create_batch(self, ctx, drafts):
        return vendor_services.vendor_services_create_batch(actor=ctx.actor, rows=drafts)

    def update(self, ctx, obj, changes, values):
        return vendor_services.vendor_service_update(service=obj, actor=ctx.actor, **changes)

    def export(self):
        for service in VendorService.objects.select_related("vendor").order_by("vendor__slug", "slug").iterator(2000):
            yield {"vendor": service.vendor.slug, "slug": service.slug, **self.current(service)}


class ContactKind(Kind):
    sheet = "contacts"
    description = "People at each vendor, by vendor slug and name."
    columns = (
        Column("vendor", required=True),
        Column("name", required=True),
        Column("role"),
        Column("email"),
        Column("phone"),
        Column("is_security_contact", "bool"),
    )
    key = ("vendor", "name")
    plain = ("role", "email", "phone", "is_security_contact")

    def find(self, ctx, values):
        return Contact.objects.filter(vendor=ctx.vendor(values["vendor"]), name=values["name"]).first()

    def current(self, obj):
        return _fields_of(obj, self.plain)

    def create(self, ctx, values):
        vendor = ctx.vendor(values.pop("vendor"))
        return vendor_services.contact_create(vendor=vendor, actor=ctx.actor, **values)

    def update(self, ctx, obj, changes, values):
        return vendor_services.contact_update(contact=obj, actor=ctx.actor, **changes)

    def export(self):
        for contact in Contact.objects.select_related("vendor").order_by("vendor__slug", "name", "pk").iterator(2000):
            yield {"vendor": contact.vendor.slug, "name": contact.name, **self.current(contact)}


class ContractKind(Kind):
    sheet = "contracts"
    description = (
        "Contracts and their clauses (breach notification hours, audit rights, notices), by vendor and reference."
    )
    columns = (
        Column("vendor", required=True),
        Column("reference", required=True),
        Column("description"),
        Column("starts_on", "date", required=True),
        Column("ends_on", "date"),
        Column("dpa_signed_on", "date"),
        Column("breach_notification_hours", "int"),
        Column("audit_rights", "bool"),
        Column("subprocessor_change_notice_days", "int"),
        Column("termination_notice_days", "int"),
        Column("annual_value", "decimal"),
    )
    key = ("vendor", "reference")
    plain = tuple(column.name for column in columns[2:])

    def find(self, ctx, values):
        return Contract.objects.filter(vendor=ctx.vendor(values["vendor"]), reference=values["reference"]).first()

    def current(self, obj):
        return _fields_of(obj, self.plain)

    def create(self, ctx, values):
        vendor = ctx.vendor(values.pop("vendor"))
        return vendor_services.contract_create(vendor=vendor, actor=ctx.actor, **values)

    def update(self, ctx, obj, changes, values):
        return vendor_services.contract_update(contract=obj, actor=ctx.actor, **changes)

    def export(self):
        for contract in Contract.objects.select_related("vendor").order_by("vendor__slug", "reference").iterator(2000):
            yield {"vendor": contract.vendor.slug, "reference": contract.reference, **self.current(contract)}


class DocumentKind(Kind):
    sheet = "documents"
    description = "Evidence metadata (the files stay in the register), by vendor, kind and title."
    columns = (
        Column("vendor", required=True),
        Column("kind", required=True),
        Column("title", required=True),
        Column("issued_on", "date"),
        Column("expires_on", "date"),
    )
    key = ("vendor", "kind", "title")
    plain = ("issued_on", "expires_on")

    def find(self, ctx, values):
        vendor = ctx.vendor(values["vendor"])
        return Document.objects.filter(vendor=vendor, kind=values["kind"], title=values["title"]).first()

    def current(self, obj):
        return _fields_of(obj, self.plain)

    def create(self, ctx, values):
        vendor = ctx.vendor(values.pop("vendor"))
        return vendor_services.document_create(vendor=vendor, actor=ctx.actor, **values)

    def update(self, ctx, obj, changes, values):
        return vendor_services.document_update(document=obj, actor=ctx.actor, **changes)

    def export(self):
        documents = Document.objects.select_related("vendor").order_by("vendor__slug", "kind", "title", "pk")
        for document in documents.iterator(2000):
            yield {
                "vendor": document.vendor.slug,
                "kind": document.kind,
                "title": document.title,
                **self.current(document),
            }


# --- the data map --------------------------------------------------------------------------------------------------
class SystemKind(Kind):
    sheet = "systems"
    description = "Our own systems, by slug."
    columns = (Column("slug", required=True), Column("name", required=True), Column("description"), Column("url"))
    key = ("slug",)
    plain = ("name", "description", "url")

    def find(self, ctx, values):
        return System.objects.filter(slug=values["slug"]).first()

    def current(self, obj):
        return _fields_of(obj, self.plain)

    def create(self, ctx, values):
        return datamap_services.system_create(actor=ctx.actor, **values)

    def update(self, ctx, obj, changes, values):
        return datamap_services.system_update(system=obj, actor=ctx.actor, **changes)

    def export(self):
        for system in System.objects.order_by("slug").iterator(2000):
            yield {"slug": system.slug, **self.current(system)}


class FlowKind(Kind):
    sheet = "flows"
    description = (
        "Data flows by code: system slug, vendor slug and service slug; categories shared and explicitly not shared "
        "(codes separated by ';'), notes as lines 'code: note'. An end date ends the flow (it is never deleted)."
    )
    columns = (
        Column("code", required=True),
        Column("system", required=True),
        Column("vendor", required=True),
        Column("service", required=True),
        Column("mechanism", required=True),
        Column("purpose"),
        Column("data_subjects", "list"),
        Column("processing_countries", "list"),
        Column("storage_countries", "list"),
        Column("estimated_records", "int"),
        Column("starts_on", "date"),
        Column("ends_on", "date"),
        Column("shared", "list", sort=True),
        Column("not_shared", "list", sort=True),
        Column("notes", "notes"),
    )
    key = ("code",)
    plain = ("mechanism", "purpose", "data_subjects", "processing_countries", "storage_countries")
    plain += ("estimated_records", "starts_on")
    field_columns = {"categories": "shared", "__all__": None}
    CATEGORY_COLUMNS = ("shared", "not_shared", "notes")
    batched = True

    def find(self, ctx, values):
        return (
            DataFlow.objects.filter(code=values["code"])
            .select_related("system", "vendor", "service")
            .prefetch_related("flow_categories__category")
            .first()
        )

    def batch_eligible(self, values):
        return not values.get("ends_on")  # ending a new flow is a second write (flow_end), with its own history

    def preload(self, ctx, rows):
        ctx.preload(System, "slug", {row.get("system") for row in rows})
        ctx.preload(Vendor, "slug", {row.get("vendor") for row in rows})
        ctx.preload_services({(row.get("vendor"), row.get("service")) for row in rows})
        codes = {code for row in rows for column in ("shared", "not_shared") for code in row.get(column) or ()}
        ctx.preload(DataCategory, "code", codes)

    def find_many(self, ctx, rows):
        flows = (
            DataFlow.objects.filter(code__in=[row["code"] for row in rows])
            .select_related("system", "vendor", "service")
            .prefetch_related("flow_categories__category")
        )
        return {(flow.code,): flow for flow in flows}

    def draft(self, ctx, values):
        # The order of flow_create's arguments in `create`: the categories are resolved (and refused) first.
        categories = tuple(self._answers(ctx, values))
        fields = {name: values[name] for name in self.plain if name in values}
        fields["code"] = values["code"]
        fields.update(self._links(ctx, values))
        return datamap_services.FlowDraft(fields=fields, categories=categories)

    def create_batch(self, ctx, drafts):
        results = datamap_services.flows_create_batch(actor=ctx.actor, drafts=drafts)
        ctx.touched_vendor_ids.update(flow.vendor_id for flow in results if isinstance(flow, DataFlow))
        return results

    def current(self, flow):
        rows = list(flow.flow_categories.all())
        return {
            "system": flow.system.slug,
            "vendor": flow.vendor.slug,
            "service": flow.service.slug,
            **_fields_of(flow, self.plain),
            "ends_on": flow.ends_on,
            "shared": sorted(row.category.code for row in rows if row.sharing == Sharing.SHARED),
            "not_shared": sorted(row.category.code for row in rows if row.sharing == Sharing.NOT_SHARED),
            "notes": {row.category.code: row.note for row in rows if row.note},
        }

    def _answers(self, ctx, values):
        answers, notes = [], values.get("notes") or {}
        for column, sharing in (("shared", Sharing.SHARED), ("not_shared", Sharing.NOT_SHARED)):
            for code in values.get(column) or ():
                category = ctx.category(code, column)
                answers.append(datamap_services.CategoryAnswer(category, sharing, notes.get(code, "")))
        unknown = set(notes) - set(values.get("shared") or ()) - set(values.get("not_shared") or ())
        if unknown:
            raise ValidationError(
                {"notes": _("Notes for categories the row does not list: %s.") % ", ".join(sorted(unknown))}
            )
        return answers

    def _links(self, ctx, values):
        links = {}
        if "system" in values:
            links["system"] = ctx.system(values["system"])
        if "service" in values or "vendor" in values:
            links["service"] = ctx.service(ctx.vendor(values["vendor"]), values["service"])
        return links

    def create(self, ctx, values):
        fields = {name: values[name] for name in self.plain if name in values}
        fields["code"] = values["code"]
        flow = datamap_services.flow_create(
            actor=ctx.actor, categories=self._answers(ctx, values), **fields, **self._links(ctx, values)
        )
        if values.get("ends_on"):
            datamap_services.flow_end(flow=flow, actor=ctx.actor, ends_on=values["ends_on"])
        ctx.touched_vendor_ids.add(flow.vendor_id)
        return flow

    def update(self, ctx, flow, changes, values):
        ctx.touched_vendor_ids.add(flow.vendor_id)
        fields = {name: changes[name] for name in self.plain if name in changes}
        if {"system", "vendor", "service"} & set(changes):
            fields.update(self._links(ctx, values))
        categories = None
        if set(self.CATEGORY_COLUMNS) & set(changes):
            current = self.current(flow)
            categories = self._answers(ctx, {name: values.get(name, current[name]) for name in self.CATEGORY_COLUMNS})
        if "ends_on" in changes and (flow.ends_on is not None or changes["ends_on"] is None):
            raise ValidationError(
                {
                    "ends_on": _("A flow ends once (flow_end) and its end date is kept; this one ended on %s.")
                    % flow.ends_on
                }
            )
        if fields or categories is not None:
            flow = datamap_services.flow_update(flow=flow, actor=ctx.actor, categories=categories, **fields)
        if "ends_on" in changes:
            datamap_services.flow_end(flow=flow, actor=ctx.actor, ends_on=changes["ends_on"])
        ctx.touched_vendor_ids.add(flow.vendor_id)
        return flow

    def export(self):
        flows = (
            DataFlow.objects.select_related("system", "vendor", "service")
            .prefetch_related("flow_categories__category")
            .order_by("code")
        )
        for flow in flows.iterator(chunk_size=2000):
            yield {"code": flow.code, **self.current(flow)}


class SubprocessorKind(Kind):
    sheet = "subprocessors"
    description = "A vendor's subprocessors (each one a vendor of the register too), by vendor and subprocessor slug."
    columns = (
        Column("vendor", required=True),
        Column("subprocessor", required=True),
        Column("purpose"),
        Column("country"),
        Column("services", "list", sort=True),
    )
    key = ("vendor", "subprocessor")

    def find(self, ctx, values):
        vendor, sub = ctx.vendor(values["vendor"]), ctx.vendor(values["subprocessor"], "subprocessor")
        return Subprocessor.objects.filter(vendor=vendor, subprocessor=sub).prefetch_related("services").first()

    def current(self, link):
        return {
            "purpose": link.purpose,
            "country": link.country,
            "services": sorted(service.slug for service in link.services.all()),
        }

    def _services(self, ctx, vendor, slugs):
        return [ctx.service(vendor, slug, "services") for slug in slugs or ()]

    def create(self, ctx, values):
        vendor, sub = ctx.vendor(values["vendor"]), ctx.vendor(values["subprocessor"], "subprocessor")
        services = self._services(ctx, vendor, values.get("services"))
        fields = {name: values[name] for name in ("purpose", "country") if name in values}
        return vendor_services.subprocessor_add(
            vendor=vendor, subprocessor=sub, actor=ctx.actor, services=services, **fields
        )

    def update(self, ctx, link, changes, values):
        services = self._services(ctx, link.vendor, changes["services"]) if "services" in changes else None
        fields = {name: changes[name] for name in ("purpose", "country") if name in changes}
        return vendor_services.subprocessor_update(link=link, actor=ctx.actor, services=services, **fields)

    def export(self):
        links = (
            Subprocessor.objects.select_related("vendor", "subprocessor")
            .prefetch_related("services")
            .order_by("vendor__slug", "subprocessor__slug")
        )
        for link in links.iterator(chunk_size=2000):
            yield {"vendor": link.vendor.slug, "subprocessor": link.subprocessor.slug, **self.current(link)}


# --- what DORA adds ------------------------------------------------------------------------------------------------
class EntityKind(Kind):
    sheet = "entities"
    description = (
        "Our legal entities in the register's scope, by LEI; one of them maintains the register (B_01.01, B_01.02)."
    )
    columns = (
        Column("lei", required=True, case="upper"),
        Column("name", required=True),
        Column("country", required=True, case="upper"),
        Column("entity_type", required=True),
        Column("hierarchy"),
        Column("parent_lei", case="upper"),
        Column("competent_authority"),
        Column("currency", case="upper"),
        Column("total_assets", "decimal"),
        Column("integrated_on", "date"),
        Column("maintains_register", "bool"),
    )
    key = ("lei",)
    plain = tuple(column.name for column in columns[1:])

    def find(self, ctx, values):
        return OrganisationEntity.objects.filter(lei=values["lei"].upper()).first()

    def current(self, obj):
        return _fields_of(obj, self.plain)

    def create(self, ctx, values):
        for name in ("hierarchy", "currency"):
            if not values.get(name):
                values.pop(name, None)
        ctx.forget(OrganisationEntity)
        return exchange_services.entity_create(actor=ctx.actor, **values)

    def update(self, ctx, obj, changes, values):
        return exchange_services.entity_update(entity=obj, actor=ctx.actor, **changes)

    def export(self):
        for entity in OrganisationEntity.objects.order_by("lei").iterator(2000):
            yield {"lei": entity.lei, **self.current(entity)}


class ProviderKind(Kind):
    sheet = "providers"
    description = (
        "Each vendor as an ICT third-party service provider: LEI or EUID, type of person, ultimate parent (B_05.01)."
    )
    columns = (
        Column("vendor", required=True),
        Column("code", case="upper"),
        Column("code_type"),
        Column("person_type"),
        Column("latin_name"),
        Column("ultimate_parent_code"),
        Column("ultimate_parent_code_type"),
    )
    key = ("vendor",)
    plain = tuple(column.name for column in columns[1:])

    def find(self, ctx, values):
        return ProviderIdentity.objects.filter(vendor=ctx.vendor(values["vendor"])).first()

    def current(self, obj):
        return _fields_of(obj, self.plain)

    def create(self, ctx, values):
        vendor = ctx.vendor(values.pop("vendor"))
        values = {name: value for name, value in values.items() if value or name not in ("code_type", "person_type")}
        return exchange_services.provider_identity_set(vendor=vendor, actor=ctx.actor, **values)

    def update(self, ctx, obj, changes, values):
        return exchange_services.provider_identity_set(vendor=obj.vendor, actor=ctx.actor, **changes)

    def export(self):
        for identity in ProviderIdentity.objects.select_related("vendor").order_by("vendor__slug").iterator(2000):
            yield {"vendor": identity.vendor.slug, **self.current(identity)}


class FunctionKind(Kind):
    sheet = "functions"
    description = "Functions our ICT services support, their criticality and why (B_06.01), by identifier."
    columns = (
        Column("identifier", required=True),
        Column("name", required=True),
        Column("entity", required=True, case="upper"),
        Column("licensed_activity"),
        Column("criticality", required=True),
        Column("criticality_reason"),
        Column("last_assessed_on", "date"),
        Column("rto_hours", "int"),
        Column("rpo_hours", "int"),
        Column("discontinuing_impact"),
    )
    key = ("identifier",)
    plain = ("name", "licensed_activity", "criticality", "criticality_reason", "last_assessed_on")
    plain += ("rto_hours", "rpo_hours", "discontinuing_impact")

    def find(self, ctx, values):
        return IctFunction.objects.filter(identifier=values["identifier"]).select_related("entity").first()

    def current(self, obj):
        return {"entity": obj.entity.lei, **_fields_of(obj, self.plain)}

    def _resolve(self, ctx, values):
        if "entity" in values:
            values["entity"] = ctx.entity(values["entity"])
        if "discontinuing_impact" in values and not values["discontinuing_impact"]:
            values.pop("discontinuing_impact")
        return values

    def create(self, ctx, values):
        return exchange_services.function_create(actor=ctx.actor, **self._resolve(ctx, values))

    def update(self, ctx, obj, changes, values):
        return exchange_services.function_update(function=obj, actor=ctx.actor, **self._resolve(ctx, changes))

    def export(self):
        for function in IctFunction.objects.select_related("entity").order_by("identifier").iterator(2000):
            yield {"identifier": function.identifier, **self.current(function)}


class ArrangementKind(Kind):
    sheet = "arrangements"
    description = "A contract's DORA details (B_02.02, B_07.01), by vendor slug and contract reference."
    columns = (
        Column("vendor", required=True),
        Column("contract", required=True),
        Column("arrangement_type"),
        Column("overarching_reference"),
        Column("entity", required=True, case="upper"),
        Column("ict_service_type", required=True),
        Column("functions", "list", field="function_identifiers", sort=True),
        Column("currency", case="upper"),
        Column("governing_law_country", required=True, case="upper"),
        Column("provision_country", required=True, case="upper"),
        Column("provider_notice_days", "int"),
        Column("data_stored", "bool"),
        Column("data_sensitiveness"),
        Column("reliance", required=True),
        Column("substitutability", required=True),
        Column("non_substitutable_reason"),
        Column("exit_plan", "bool"),
        Column("reintegration", required=True),
        Column("discontinuing_impact"),
        Column("last_audit_on", "date"),
        Column("alternative_providers"),
    )
    key = ("vendor", "contract")
    field_columns = {"function_identifiers": "functions"}
    OPTIONAL_CHOICES = ("arrangement_type", "currency", "data_sensitiveness", "discontinuing_impact")

    def find(self, ctx, values):
        vendor = ctx.vendor(values["vendor"])
        return ArrangementDetails.objects.filter(
            contract__vendor=vendor, contract__reference=values["contract"]
        ).first()

    def current(self, obj):
        values = {column.name: getattr(obj, column.field) for column in self.columns[2:] if column.name != "entity"}
        values["entity"] = obj.entity.lei
        values["functions"] = sorted(obj.function_identifiers)
        return values

    def _fields(self, ctx, values):
        fields = {self.column(name).field: value for name, value in values.items() if name not in self.key}
        if "entity" in fields:
            fields["entity"] = ctx.entity(fields["entity"])
        for name in self.OPTIONAL_CHOICES:
            if name in fields and not fields[name]:
                fields.pop(name)
        return fields

    def create(self, ctx, values):
        vendor = ctx.vendor(values["vendor"])
        contract = Contract.objects.filter(vendor=vendor, reference=values["contract"]).first()
        if contract is None:
            raise ValidationError(
                {"contract": _("%(vendor)s has no contract %(ref)r.") % {"vendor": vendor, "ref": values["contract"]}}
            )
        return exchange_services.arrangement_set(contract=contract, actor=ctx.actor, **self._fields(ctx, values))

    def update(self, ctx, obj, changes, values):
        return exchange_services.arrangement_set(contract=obj.contract, actor=ctx.actor, **self._fields(ctx, changes))

    def export(self):
        arrangements = ArrangementDetails.objects.select_related("contract__vendor", "entity")
        for details in arrangements.order_by("contract__vendor__slug", "contract__reference").iterator(2000):
            yield {
                "vendor": details.contract.vendor.slug,
                "contract": details.contract.reference,
                **self.current(details),
            }


KINDS = (
    EntityKind(),
    VendorKind(),
    ProviderKind(),
    ServiceKind(),
    ContactKind(),
    ContractKind(),
    FunctionKind(),
    ArrangementKind(),
    DocumentKind(),
    SystemKind(),
    FlowKind(),
    SubprocessorKind(),
)
KINDS_BY_SHEET = {kind.sheet: kind for kind in KINDS}
