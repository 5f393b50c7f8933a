"""Controlled values of the DORA register of information, as the EBA DPM codes them (`eba_*` members).

Source: Commission Implementing Regulation (EU) 2024/2956, Annex II/III, and the EBA DPM 4.0 dictionary of the
DORA taxonomy (reporting framework 4.0). The member codes below were checked against the EBA's "List of possible
values for all data fields with drop downs" (3 March 2025) as extracted by a public implementation; see
apps/exchange/dora/TEMPLATES.md for the sources and for what could not be verified against the taxonomy itself.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntityType(models.TextChoices):
    CREDIT_INSTITUTION = "eba_CT:x12", _("Credit institution")
    INVESTMENT_FIRM = "eba_CT:x599", _("Investment firm")
    PAYMENT_INSTITUTION = "eba_CT:x300", _("Payment institution")
    E_MONEY_INSTITUTION = "eba_CT:x302", _("Electronic money institution")
    CASP = "eba_CT:x303", _("Crypto-asset service provider")
    INSURANCE = "eba_CT:x309", _("Insurance and reinsurance undertaking")
    OTHER_FINANCIAL = "eba_CT:x316", _("Other financial entity")
    ICT_INTRA_GROUP = "eba_CT:x317", _("Non-financial entity: ICT intra-group service provider")
    NON_FINANCIAL_OTHER = "eba_CT:x318", _("Non-financial entity: other")


class Hierarchy(models.TextChoices):
    ULTIMATE_PARENT = "eba_RP:x53", _("Ultimate parent")
    PARENT = "eba_RP:x551", _("Parent other than ultimate parent")
    SUBSIDIARY = "eba_RP:x56", _("Subsidiary")
    OUTSIDE_GROUP = "eba_RP:x21", _("Entity other than entities of the group")


class CodeType(models.TextChoices):
    """The two types of code a legal person may be identified by in B_05.01 (EBA rule v8817: LEI or EUID).

    The EBA list of possible values (3 March 2025) also has qx2001 national code, qx2003 CRN, qx2004 VAT and
    qx2005 passport number, for individuals; the register records legal persons only, so they are not offered.
    """

    LEI = "eba_qCO:qx2000", _("LEI")
    EUID = "eba_qCO:qx2002", _("EUID")


class PersonType(models.TextChoices):
    LEGAL_PERSON = "eba_CT:x212", _("Legal person")
    INDIVIDUAL = "eba_CT:x213", _("Individual acting in a business capacity")


class ArrangementType(models.TextChoices):
    STANDALONE = "eba_CO:x1", _("Standalone arrangement")
    OVERARCHING = "eba_CO:x2", _("Overarching arrangement")
    SUBSEQUENT = "eba_CO:x3", _("Subsequent or associated arrangement")


class IctServiceType(models.TextChoices):
    """The EBA list of ICT service types (CIR 2024/2956 Annex IV)."""

    PROJECT_MANAGEMENT = "eba_TA:S01", _("ICT project management")
    DEVELOPMENT = "eba_TA:S02", _("ICT development")
    HELP_DESK = "eba_TA:S03", _("ICT help desk and first level support")
    SECURITY_MANAGEMENT = "eba_TA:S04", _("ICT security management services")
    PROVISION_OF_DATA = "eba_TA:S05", _("Provision of data")
    DATA_ANALYSIS = "eba_TA:S06", _("Data analysis")
    FACILITIES_HOSTING = "eba_TA:S07", _("ICT, facilities and hosting services (excluding cloud)")
    COMPUTATION = "eba_TA:S08", _("Computation")
    NON_CLOUD_STORAGE = "eba_TA:S09", _("Non-cloud data storage")
    TELECOM = "eba_TA:S10", _("Telecom carrier")
    NETWORK = "eba_TA:S11", _("Network infrastructure")
    HARDWARE = "eba_TA:S12", _("Hardware and physical devices")
    SOFTWARE_LICENSING = "eba_TA:S13", _("Software licensing (excluding SaaS)")
    OPERATIONS = "eba_TA:S14", _("ICT operation management (including maintenance)")
    CONSULTING = "eba_TA:S15", _("ICT consulting")
    RISK_MANAGEMENT = "eba_TA:S16", _("ICT risk management")
    IAAS = "eba_TA:S17", _("Cloud services: IaaS")
    PAAS = "eba_TA:S18", _("Cloud services: PaaS")
    SAAS = "eba_TA:S19", _("Cloud services: SaaS")


class YesNo(models.TextChoices):
    YES = "eba_BT:x28", _("Yes")
    NO = "eba_BT:x29", _("No")


class Criticality(models.TextChoices):
    CRITICAL = "eba_BT:x28", _("Critical or important")
    NOT_CRITICAL = "eba_BT:x29", _("Not critical or important")
    NOT_ASSESSED = "eba_BT:x21", _("Assessment not performed")


class Level(models.TextChoices):
    LOW = "eba_ZZ:x791", _("Low")
    MEDIUM = "eba_ZZ:x792", _("Medium")
    HIGH = "eba_ZZ:x793", _("High")


class Impact(models.TextChoices):
    LOW = "eba_ZZ:x791", _("Low")
    MEDIUM = "eba_ZZ:x792", _("Medium")
    HIGH = "eba_ZZ:x793", _("High")
    NOT_ASSESSED = "eba_ZZ:x799", _("Assessment not performed")


class Reliance(models.TextChoices):
    NOT_SIGNIFICANT = "eba_ZZ:x794", _("Not significant")
    LOW = "eba_ZZ:x795", _("Low reliance")
    MATERIAL = "eba_ZZ:x796", _("Material reliance")
    FULL = "eba_ZZ:x797", _("Full reliance")


class Substitutability(models.TextChoices):
    NOT_SUBSTITUTABLE = "eba_ZZ:x959", _("Not substitutable")
    HIGHLY_COMPLEX = "eba_ZZ:x960", _("Highly complex substitutability")
    MEDIUM = "eba_ZZ:x961", _("Medium complexity")
    EASY = "eba_ZZ:x962", _("Easily substitutable")


class NonSubstitutableReason(models.TextChoices):
    NO_ALTERNATIVE = "eba_ZZ:x963", _("Lack of real alternatives")
    MIGRATION = "eba_ZZ:x964", _("Difficulties in migrating or reintegrating")
    BOTH = "eba_ZZ:x965", _("Both")


class Reintegration(models.TextChoices):
    EASY = "eba_ZZ:x798", _("Easy")
    DIFFICULT = "eba_ZZ:x966", _("Difficult")
    HIGHLY_COMPLEX = "eba_ZZ:x967", _("Highly complex")


class EntityNature(models.TextChoices):
    BRANCH = "eba_ZZ:x838", _("Branch of a financial entity")
    NOT_BRANCH = "eba_ZZ:x839", _("Not a branch")
