"""Demo step: the register's organisation and the demo vendors filled in, so that the demo's RoI validates.

Every value here is demo data, not a fact about the companies: the organisation is fictitious, and its LEI and
Mixpanel's are made up (valid check digits, registered to no one). Idempotent: each row is set through the services.
"""

import datetime

from apps.datamap.models import DataFlow
from apps.datamap.services import flow_update
from apps.vendors.models import Contract, Vendor
from apps.vendors.services import contract_update

from . import choices
from .codes import lei_with_check_digits
from .models import ArrangementDetails, IctFunction, OrganisationEntity, ProviderIdentity
from .services import arrangement_set, entity_create, function_create, provider_identity_set

ORGANISATION_LEI = lei_with_check_digits("5299DEMOREGISTER01")
PROVIDER_LEIS = {"mixpanel": lei_with_check_digits("5299DEMOMIXPANEL01")}
FUNCTION = "api-console-analytics"
DEMO_FLOW_COUNTRIES = {"storage_countries": ["US"], "processing_countries": ["US"]}
DEMO_CONTRACT_TERMS = {"annual_value": 24000, "termination_notice_days": 30}


def _restore_after_fixture_reload(vendor):
    """A re-run: loaddata has put the fixture's raw values back; put back the demo's (the first run kept history)."""
    DataFlow.objects.filter(vendor=vendor, storage_countries=[]).update(**DEMO_FLOW_COUNTRIES)
    Contract.objects.filter(vendor=vendor).update(**DEMO_CONTRACT_TERMS)


def setup():
    entity = OrganisationEntity.objects.filter(lei=ORGANISATION_LEI).first() or entity_create(
        actor=None,
        lei=ORGANISATION_LEI,
        name="Demo Organisation (fictitious, demo data)",
        country="IE",
        entity_type=choices.EntityType.OTHER_FINANCIAL,
        hierarchy=choices.Hierarchy.ULTIMATE_PARENT,
        competent_authority="Central Bank of Ireland (demo data)",
        currency="EUR",
        integrated_on=datetime.date(2025, 1, 17),
        maintains_register=True,
    )
    if not IctFunction.objects.filter(identifier=FUNCTION).exists():
        function_create(
            actor=None,
            identifier=FUNCTION,
            name="Product analytics of the API console",
            entity=entity,
            licensed_activity="eba_TA:x252",
            criticality=choices.Criticality.NOT_CRITICAL,
            last_assessed_on=datetime.date(2025, 1, 10),
            discontinuing_impact=choices.Impact.LOW,
        )
    for slug, lei in PROVIDER_LEIS.items():
        vendor = Vendor.objects.filter(slug=slug).first()
        if vendor is None:
            continue
        if ArrangementDetails.objects.filter(contract__vendor=vendor).exists():
            _restore_after_fixture_reload(vendor)
            continue
        # Where Mixpanel keeps and processes our data: a demo assumption (the case sources do not say).
        for flow in DataFlow.objects.filter(vendor=vendor, storage_countries=[]):
            flow_update(flow=flow, actor=None, **DEMO_FLOW_COUNTRIES)
        if not ProviderIdentity.objects.filter(vendor=vendor).exists():
            provider_identity_set(vendor=vendor, actor=None, code=lei, code_type=choices.CodeType.LEI)
        for contract in Contract.objects.filter(vendor=vendor):
            contract_update(contract=contract, actor=None, **DEMO_CONTRACT_TERMS)
            arrangement_set(
                contract=contract,
                actor=None,
                entity=entity,
                ict_service_type=choices.IctServiceType.SAAS,
                function_identifiers=[FUNCTION],
                currency="EUR",
                governing_law_country="US",
                provision_country="US",
                provider_notice_days=30,
                data_stored=True,
                data_sensitiveness=choices.Level.MEDIUM,
                reliance=choices.Reliance.LOW,
                substitutability=choices.Substitutability.EASY,
                exit_plan=True,
                reintegration=choices.Reintegration.EASY,
                discontinuing_impact=choices.Impact.LOW,
                alternative_providers="Amplitude; self-hosted analytics",
            )
