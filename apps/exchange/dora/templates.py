"""The 15 templates of the DORA register of information and their column codes, as the package writes them.

Source: Commission Implementing Regulation (EU) 2024/2956 of 29 November 2024 (OJ L, 2024/2956, 2.12.2024), Annex I
(templates B_01.01 … B_07.01 and B_99.01, columns c0010 …) and Annex II (instructions), as carried into the EBA
reporting framework 4.0 (DPM 2.0 / xBRL-CSV taxonomy for the RoI, files `b_XX.XX.csv`), checked against the EBA's
annotated table layout DORA 4.0 and sample package. apps/exchange/dora/TEMPLATES.md says what was checked against
which source and what could not be verified. tests/exchange/test_dora.py compares every
package's headers with this table.

Each column: (code, label, kind, mandatory). Kinds: text, lei, code (a provider's code: checked as its type says),
date, country (eba_GA:XX), currency (eba_CU:XXX), int, decimal, or the name of a controlled list (LISTS).
"""

from dataclasses import dataclass

from .. import choices

FRAMEWORK = "EBA reporting framework 4.0 (DORA RoI, CIR (EU) 2024/2956), module DORA, xBRL-CSV"
MODULE_URL = "http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/mod/dora.json"

LISTS = {
    "entity_type": choices.EntityType,
    "hierarchy": choices.Hierarchy,
    "code_type": choices.CodeType,
    "person_type": choices.PersonType,
    "arrangement_type": choices.ArrangementType,
    "ict_service_type": choices.IctServiceType,
    "yes_no": choices.YesNo,
    "criticality": choices.Criticality,
    "level": choices.Level,
    "impact": choices.Impact,
    "reliance": choices.Reliance,
    "substitutability": choices.Substitutability,
    "non_substitutable_reason": choices.NonSubstitutableReason,
    "reintegration": choices.Reintegration,
    "entity_nature": choices.EntityNature,
}


@dataclass(frozen=True)
class TemplateColumn:
    code: str
    label: str
    kind: str = "text"
    mandatory: bool = True


@dataclass(frozen=True)
class Template:
    code: str
    title: str
    columns: tuple[TemplateColumn, ...]

    @property
    def filename(self):
        return f"{self.code.lower()}.csv"

    @property
    def header(self):
        return [column.code for column in self.columns]


C = TemplateColumn

# B_99.01's columns: the closed-list member each one defines.
DEFINITION_COLUMNS = (
    ("c0010", "Type of contractual arrangement (B_02.01.0020): standalone arrangement"),
    ("c0020", "Type of contractual arrangement (B_02.01.0020): overarching arrangement"),
    ("c0030", "Type of contractual arrangement (B_02.01.0020): subsequent or associated arrangement"),
    ("c0040", "Sensitiveness of the data stored (B_02.02.0170): low"),
    ("c0050", "Sensitiveness of the data stored (B_02.02.0170): medium"),
    ("c0060", "Sensitiveness of the data stored (B_02.02.0170): high"),
    ("c0070", "Impact of discontinuing the function (B_06.01.0100): low"),
    ("c0080", "Impact of discontinuing the function (B_06.01.0100): medium"),
    ("c0090", "Impact of discontinuing the function (B_06.01.0100): high"),
    ("c0100", "Substitutability (B_07.01.0050): not substitutable"),
    ("c0110", "Substitutability (B_07.01.0050): highly complex substitutability"),
    ("c0120", "Substitutability (B_07.01.0050): medium complexity"),
    ("c0130", "Substitutability (B_07.01.0050): easily substitutable"),
    ("c0140", "Possibility of reintegration (B_07.01.0090): easy"),
    ("c0150", "Possibility of reintegration (B_07.01.0090): difficult"),
    ("c0160", "Possibility of reintegration (B_07.01.0090): highly complex"),
    ("c0170", "Impact of discontinuing the ICT services (B_07.01.0100): low"),
    ("c0180", "Impact of discontinuing the ICT services (B_07.01.0100): medium"),
    ("c0190", "Impact of discontinuing the ICT services (B_07.01.0100): high"),
)
TEMPLATES = (
    Template(
        "B_01.01",
        "Entity maintaining the register of information",
        (
            C("c0010", "LEI of the entity maintaining the register", "lei"),
            C("c0020", "Name of the entity"),
            C("c0030", "Country of the entity", "country"),
            C("c0040", "Type of entity", "entity_type"),
            C("c0050", "Competent authority"),
            C("c0060", "Date of the reporting", "date"),
        ),
    ),
    Template(
        "B_01.02",
        "List of entities within the scope of the register",
        (
            C("c0010", "LEI of the entity", "lei"),
            C("c0020", "Name of the entity"),
            C("c0030", "Country of the entity", "country"),
            C("c0040", "Type of entity", "entity_type"),
            C("c0050", "Hierarchy of the entity within the group", "hierarchy"),
            C("c0060", "LEI of the direct parent undertaking", "lei"),
            C("c0070", "Date of last update", "date"),
            C("c0080", "Date of integration in the register", "date"),
            C("c0090", "Date of deletion in the register", "date"),
            C("c0100", "Currency", "currency"),
            C("c0110", "Value of total assets", "decimal", False),
        ),
    ),
    Template(
        "B_01.03",
        "List of branches",
        (
            C("c0010", "Identification code of the branch"),
            C("c0020", "LEI of the financial entity head office of the branch", "lei"),
            C("c0030", "Name of the branch"),
            C("c0040", "Country of the branch", "country"),
        ),
    ),
    Template(
        "B_02.01",
        "Contractual arrangements – general information",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "Type of contractual arrangement", "arrangement_type"),
            C("c0030", "Overarching contractual arrangement reference number", "text", False),
            C("c0040", "Currency of the amount reported", "currency"),
            C("c0050", "Annual expense or estimated cost of the contractual arrangement", "decimal"),
        ),
    ),
    Template(
        "B_02.02",
        "Contractual arrangements – specific information",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "LEI of the entity making use of the ICT service(s)", "lei"),
            C("c0030", "Identification code of the ICT third-party service provider", "code"),
            C("c0040", "Type of code to identify the ICT third-party service provider", "code_type"),
            C("c0050", "Function identifier"),
            C("c0060", "Type of ICT services", "ict_service_type"),
            C("c0070", "Start date of the contractual arrangement", "date"),
            C("c0080", "End date of the contractual arrangement", "date"),
            C("c0090", "Reason of the termination or ending", "text", False),
            C("c0100", "Notice period for the financial entity (days)", "int"),
            C("c0110", "Notice period for the ICT third-party service provider (days)", "int"),
            C("c0120", "Country of the governing law of the contractual arrangement", "country"),
            C("c0130", "Country of provision of the ICT services", "country"),
            C("c0140", "Storage of data", "yes_no"),
            C("c0150", "Location of the data at rest (storage)", "country", False),
            C("c0160", "Location of management of the data (processing)", "country", False),
            C("c0170", "Sensitiveness of the data stored", "level", False),
            C("c0180", "Level of reliance on the ICT service supporting the function", "reliance"),
        ),
    ),
    Template(
        "B_02.03",
        "List of intra-group contractual arrangements",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "Contractual arrangement linked to the one in c0010"),
            C("c0030", "Link", "yes_no"),
        ),
    ),
    Template(
        "B_03.01",
        "Entities signing the contractual arrangements for receiving ICT services",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "LEI of the entity signing the contractual arrangement", "lei"),
            C("c0030", "Link", "yes_no"),
        ),
    ),
    Template(
        "B_03.02",
        "ICT third-party service providers signing the contractual arrangements",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "Identification code of the ICT third-party service provider", "code"),
            C("c0030", "Type of code to identify the ICT third-party service provider", "code_type"),
        ),
    ),
    Template(
        "B_03.03",
        "Entities signing the contractual arrangements for providing ICT services within the group",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "LEI of the entity providing ICT services", "lei"),
            C("c0031", "Link", "yes_no"),
        ),
    ),
    Template(
        "B_04.01",
        "Entities making use of the ICT services",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "LEI of the entity making use of the ICT service(s)", "lei"),
            C("c0030", "Nature of the entity making use of the ICT service(s)", "entity_nature"),
            C("c0040", "Identification code of the branch", "text", False),
        ),
    ),
    Template(
        "B_05.01",
        "ICT third-party service providers",
        (
            C("c0010", "Identification code of the ICT third-party service provider", "code"),
            C("c0020", "Type of code to identify the ICT third-party service provider", "code_type"),
            C("c0030", "Additional identification code of the ICT third-party service provider", "text", False),
            C("c0040", "Type of additional identification code", "text", False),
            C("c0050", "Legal name of the ICT third-party service provider"),
            C("c0060", "Name of the ICT third-party service provider in Latin alphabet", "text", False),
            C("c0070", "Type of person of the ICT third-party service provider", "person_type"),
            C("c0080", "Country of the ICT third-party service provider's headquarters", "country"),
            C("c0090", "Currency of the amount reported in c0100", "currency"),
            C(
                "c0100",
                "Total annual expense or estimated cost of the ICT third-party service provider",
                "decimal",
                False,
            ),
            C("c0110", "Identification code of the provider's ultimate parent undertaking", "code", False),
            C("c0120", "Type of code to identify the provider's ultimate parent undertaking", "code_type", False),
        ),
    ),
    Template(
        "B_05.02",
        "ICT service supply chains",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "Type of ICT services", "ict_service_type"),
            C("c0030", "Identification code of the ICT third-party service provider", "code"),
            C("c0040", "Type of code to identify the ICT third-party service provider", "code_type"),
            C("c0050", "Rank", "int"),
            C("c0060", "Identification code of the recipient of sub-contracted ICT services", "code", False),
            C("c0070", "Type of code to identify the recipient of sub-contracted ICT services", "code_type", False),
        ),
    ),
    Template(
        "B_06.01",
        "Functions identification",
        (
            C("c0010", "Function identifier"),
            C("c0020", "Licensed activity", "licensed_activity"),
            C("c0030", "Function name"),
            C("c0040", "LEI of the financial entity", "lei"),
            C("c0050", "Criticality or importance assessment", "criticality"),
            C("c0060", "Reasons for criticality or importance", "text", False),
            C("c0070", "Date of the last assessment of criticality or importance", "date"),
            C("c0080", "Recovery time objective of the function (hours)", "int", False),
            C("c0090", "Recovery point objective of the function (hours)", "int", False),
            C("c0100", "Impact of discontinuing the function", "impact"),
        ),
    ),
    Template(
        "B_07.01",
        "Assessment of the ICT services",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "Identification code of the ICT third-party service provider", "code"),
            C("c0030", "Type of code to identify the ICT third-party service provider", "code_type"),
            C("c0040", "Type of ICT services", "ict_service_type"),
            C("c0050", "Substitutability of the ICT third-party service provider", "substitutability"),
            C(
                "c0060",
                "Reason if the ICT third-party service provider is considered not substitutable",
                "non_substitutable_reason",
                False,
            ),
            C("c0070", "Date of the last audit on the ICT third-party service provider", "date", False),
            C("c0080", "Existence of an exit plan", "yes_no"),
            C("c0090", "Possibility of reintegration of the contracted ICT service", "reintegration"),
            C("c0100", "Impact of discontinuing the ICT services", "impact"),
            C("c0110", "Are there alternative ICT third-party service providers identified?", "yes_no"),
            C("c0120", "Identification of alternative ICT TPP", "text", False),
        ),
    ),
    Template(
        "B_99.01",
        "Definitions from entities making use of the ICT services",
        # One row, one free-text column per member of six closed lists: what the entity means by each value
        # (EBA annotated table layout DORA 4.0). No active EBA rule makes any of them mandatory.
        tuple(C(code, label, "text", False) for code, label in DEFINITION_COLUMNS),
    ),
)
TEMPLATES_BY_CODE = {template.code: template for template in TEMPLATES}
