"""Build the register of information's 15 tables from the register: {template code: [{column code: text}]}.

Values are written as the EBA taxonomy codes them: countries `eba_GA:FR`, currencies `eba_CU:EUR`, yes/no
`eba_BT:x28`/`x29`, other controlled values by their `eba_*` member; dates ISO 8601, open end dates 9999-12-31.
A provider the register knows no LEI or EUID for (no ProviderIdentity) is referred to as `vendorrisk:<slug>`, which
is in no B_05.01 row: the validation names it, and the package cannot pass until it is recorded.
"""

import datetime
from collections import defaultdict

from apps.datamap.models import DataFlow
from apps.vendors.models import Subprocessor

from .. import choices
from ..models import ArrangementDetails, IctFunction, OrganisationEntity, ProviderIdentity
from .templates import TEMPLATES

OPEN_END = "9999-12-31"
MAX_CHAIN_RANK = 10


def country(code):
    return f"eba_GA:{code.upper()}" if code else ""


def currency(code):
    return f"eba_CU:{code.upper()}" if code else ""


def yes_no(value):
    return choices.YesNo.YES if value else choices.YesNo.NO


def date(value):
    return value.isoformat() if value else ""


def number(value):
    return "" if value is None else str(value)


class Providers:
    """How each vendor is identified in the package, and the B_05.01 rows of those that have an identity."""

    def __init__(self):
        self.identities = {i.vendor_id: i for i in ProviderIdentity.objects.select_related("vendor")}
        self.expense = defaultdict(lambda: 0)
        self.currency = {}
        self.used = {}  # vendor id → vendor, in the order first referred to

    def ref(self, vendor):
        self.used.setdefault(vendor.pk, vendor)
        identity = self.identities.get(vendor.pk)
        if identity is None:
            return f"vendorrisk:{vendor.slug}", ""
        return identity.code, identity.code_type

    def rows(self, default_currency):
        for vendor_id, vendor in self.used.items():
            identity = self.identities.get(vendor_id)
            if identity is None:
                continue
            yield {
                "c0010": identity.code,
                "c0020": identity.code_type,
                "c0030": "",
                "c0040": "",
                "c0050": vendor.legal_name,
                "c0060": identity.latin_name,
                "c0070": identity.person_type,
                "c0080": country(vendor.hq_country),
                "c0090": currency(self.currency.get(vendor_id, default_currency)),
                "c0100": number(self.expense.get(vendor_id)) if vendor_id in self.expense else "",
                "c0110": identity.ultimate_parent_code,
                "c0120": identity.ultimate_parent_code_type,
            }


def _locations(vendor_ids):
    """The first storage and processing country of each vendor's flows (by flow code): B_02.02 c0150/c0160."""
    found = {}
    flows = DataFlow.objects.filter(vendor_id__in=vendor_ids).order_by("code")
    for vendor_id, storage, processing in flows.values_list("vendor_id", "storage_countries", "processing_countries"):
        current = found.setdefault(vendor_id, ["", ""])
        current[0] = current[0] or (storage[0] if storage else "")
        current[1] = current[1] or (processing[0] if processing else "")
    return found


def _subprocessors():
    chain = defaultdict(list)
    for link in Subprocessor.objects.select_related("subprocessor").order_by("subprocessor__slug"):
        chain[link.vendor_id].append(link.subprocessor)
    return chain


def _supply_chain(details, provider, providers, chain, ref):
    code, code_type = providers.ref(provider)
    rows = [
        {
            "c0010": ref,
            "c0020": details.ict_service_type,
            "c0030": code,
            "c0040": code_type,
            "c0050": "1",
            "c0060": "",
            "c0070": "",
        }
    ]
    seen, level = {provider.pk}, [(provider, code, code_type)]
    for rank in range(2, MAX_CHAIN_RANK + 1):
        next_level = []
        for recipient, recipient_code, recipient_type in level:
            for sub in chain.get(recipient.pk, ()):
                if sub.pk in seen:
                    continue
                seen.add(sub.pk)
                sub_code, sub_type = providers.ref(sub)
                rows.append(
                    {
                        "c0010": ref,
                        "c0020": details.ict_service_type,
                        "c0030": sub_code,
                        "c0040": sub_type,
                        "c0050": str(rank),
                        "c0060": recipient_code,
                        "c0070": recipient_type,
                    }
                )
                next_level.append((sub, sub_code, sub_type))
        level = next_level
    return rows


def build_roi(*, reference_date: datetime.date) -> dict:
    """{template code: [row dicts]} for every template, in the order of TEMPLATES."""
    tables = {template.code: [] for template in TEMPLATES}
    entities = list(OrganisationEntity.objects.all())
    holder = next((entity for entity in entities if entity.maintains_register), None)
    if holder is not None:
        tables["B_01.01"].append(
            {
                "c0010": holder.lei,
                "c0020": holder.name,
                "c0030": country(holder.country),
                "c0040": holder.entity_type,
                "c0050": holder.competent_authority,
                "c0060": reference_date.isoformat(),
            }
        )
    for entity in entities:
        tables["B_01.02"].append(
            {
                "c0010": entity.lei,
                "c0020": entity.name,
                "c0030": country(entity.country),
                "c0040": entity.entity_type,
                "c0050": entity.hierarchy,
                "c0060": entity.parent_lei or entity.lei,
                "c0070": date(entity.updated_at.date()),
                "c0080": date(entity.integrated_on),
                "c0090": OPEN_END,
                "c0100": currency(entity.currency),
                "c0110": number(entity.total_assets),
            }
        )
    default_currency = holder.currency if holder else "EUR"

    providers = Providers()
    arrangements = list(
        ArrangementDetails.objects.select_related("contract__vendor", "entity").order_by(
            "contract__vendor__slug", "contract__reference"
        )
    )
    locations = _locations({details.contract.vendor_id for details in arrangements})
    chain = _subprocessors()
    for details in arrangements:
        contract, vendor = details.contract, details.contract.vendor
        ref = f"{vendor.slug}/{contract.reference}"
        code, code_type = providers.ref(vendor)
        if contract.annual_value is not None:
            providers.expense[vendor.pk] += contract.annual_value
        providers.currency.setdefault(vendor.pk, details.currency)
        tables["B_02.01"].append(
            {
                "c0010": ref,
                "c0020": details.arrangement_type,
                "c0030": details.overarching_reference,
                "c0040": currency(details.currency),
                "c0050": number(contract.annual_value),
            }
        )
        storage, processing = locations.get(vendor.pk, ["", ""])
        for function_id in details.function_identifiers or [""]:
            tables["B_02.02"].append(
                {
                    "c0010": ref,
                    "c0020": details.entity.lei,
                    "c0030": code,
                    "c0040": code_type,
                    "c0050": function_id,
                    "c0060": details.ict_service_type,
                    "c0070": date(contract.starts_on),
                    "c0080": date(contract.ends_on) or OPEN_END,
                    "c0090": "",
                    "c0100": number(contract.termination_notice_days),
                    "c0110": number(details.provider_notice_days),
                    "c0120": country(details.governing_law_country),
                    "c0130": country(details.provision_country),
                    "c0140": yes_no(details.data_stored),
                    "c0150": country(storage) if details.data_stored else "",
                    "c0160": country(processing),
                    "c0170": details.data_sensitiveness if details.data_stored else "",
                    "c0180": details.reliance,
                }
            )
        if details.overarching_reference:
            tables["B_02.03"].append({"c0010": ref, "c0020": details.overarching_reference, "c0030": choices.YesNo.YES})
        tables["B_03.01"].append({"c0010": ref, "c0020": details.entity.lei, "c0030": choices.YesNo.YES})
        tables["B_03.02"].append({"c0010": ref, "c0020": code, "c0030": code_type})
        tables["B_04.01"].append(
            {"c0010": ref, "c0020": details.entity.lei, "c0030": choices.EntityNature.NOT_BRANCH, "c0040": ""}
        )
        tables["B_05.02"].extend(_supply_chain(details, vendor, providers, chain, ref))
        tables["B_07.01"].append(
            {
                "c0010": ref,
                "c0020": code,
                "c0030": code_type,
                "c0040": details.ict_service_type,
                "c0050": details.substitutability,
                "c0060": details.non_substitutable_reason,
                "c0070": date(details.last_audit_on),
                "c0080": yes_no(details.exit_plan),
                "c0090": details.reintegration,
                "c0100": details.discontinuing_impact,
                "c0110": yes_no(details.alternative_providers.strip()),
                "c0120": details.alternative_providers,
            }
        )
    tables["B_05.01"].extend(providers.rows(default_currency))
    for function in IctFunction.objects.select_related("entity").order_by("identifier"):
        tables["B_06.01"].append(
            {
                "c0010": function.identifier,
                "c0020": function.licensed_activity,
                "c0030": function.name,
                "c0040": function.entity.lei,
                "c0050": function.criticality,
                "c0060": function.criticality_reason,
                "c0070": date(function.last_assessed_on),
                "c0080": number(function.rto_hours),
                "c0090": number(function.rpo_hours),
                "c0100": function.discontinuing_impact,
            }
        )
    return tables
