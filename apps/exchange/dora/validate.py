"""The checks a supervisor runs on a register of information, on the package's tables as filed.

Four rule classes, each finding naming template, row (as in the CSV: the header is row 1), column and rule:
- `mandatory`: a mandatory column is empty;
- `format`: LEI (20 characters, ISO 17442 check digits), EUID, ISO 8601 dates, ISO 3166 countries (eba_GA:XX),
  ISO 4217 currencies (eba_CU:XXX), whole numbers and amounts;
- `controlled`: a coded column holds a member of its list;
- `referential`: every arrangement's provider is in B_05.01, every function in B_06.01, every entity in B_01.02,
  every arrangement in B_02.01, and the supply chain of B_05.02 resolves rank by rank.
"""

import decimal
import re
from dataclasses import dataclass

from ..choices import CodeType, Criticality, Substitutability, YesNo
from ..codes import COUNTRIES, CURRENCIES, EUID_PATTERN, iso_date_problem, lei_problem
from .templates import LISTS, TEMPLATES, TEMPLATES_BY_CODE

LICENSED_ACTIVITY = re.compile(r"^eba_TA:x\d+$")
# Which column says the type of a `code` column, per template.
CODE_TYPE_COLUMN = {
    ("B_02.02", "c0030"): "c0040",
    ("B_03.02", "c0020"): "c0030",
    ("B_05.01", "c0010"): "c0020",
    ("B_05.01", "c0110"): "c0120",
    ("B_05.02", "c0030"): "c0040",
    ("B_05.02", "c0060"): "c0070",
    ("B_07.01", "c0020"): "c0030",
}


@dataclass(frozen=True)
class Finding:
    template: str
    row: int
    column: str
    rule: str
    message: str

    def __str__(self):
        return f"{self.template} row {self.row} {self.column} [{self.rule}]: {self.message}"

    def as_dict(self):
        return {
            "template": self.template,
            "row": self.row,
            "column": self.column,
            "rule": self.rule,
            "message": self.message,
        }


# Columns the instructions make mandatory when another column holds a value (CIR 2024/2956 Annex II).
CONDITIONAL = {
    ("B_02.02", "c0150"): ("c0140", YesNo.YES),
    ("B_02.02", "c0170"): ("c0140", YesNo.YES),
    ("B_06.01", "c0060"): ("c0050", Criticality.CRITICAL),
    ("B_07.01", "c0060"): ("c0050", Substitutability.NOT_SUBSTITUTABLE),
}


def _format_problem(kind, value, row, template, column):
    if kind == "lei":
        return lei_problem(value)
    if kind == "code":
        code_type = row.get(CODE_TYPE_COLUMN.get((template, column), ""), "")
        if code_type == CodeType.LEI:
            return lei_problem(value)
        if code_type == CodeType.EUID and not EUID_PATTERN.match(value):
            return "Not an EUID (country code, register code, registration number)."
        return None
    if kind == "date":
        return iso_date_problem(value)
    if kind == "country":
        return (
            None if value.startswith("eba_GA:") and value[7:] in COUNTRIES else "Not an ISO 3166-1 country (eba_GA:XX)."
        )
    if kind == "currency":
        return (
            None
            if value.startswith("eba_CU:") and value[7:] in CURRENCIES
            else "Not an ISO 4217 currency (eba_CU:XXX)."
        )
    if kind == "int":
        return None if value.isdigit() else "Not a whole number."
    if kind == "decimal":
        try:
            decimal.Decimal(value)
        except decimal.InvalidOperation:
            return "Not a number."
    return None


def _controlled_problem(kind, value):
    if kind == "licensed_activity":
        return None if LICENSED_ACTIVITY.match(value) else "Not a licensed activity of the EBA list (eba_TA:x…)."
    if kind in LISTS and value not in LISTS[kind].values:
        return f"Not a value of the {kind.replace('_', ' ')} list: {value!r}."
    return None


def _cells(tables):
    for template in TEMPLATES:
        for number, row in enumerate(tables.get(template.code, ()), start=2):
            yield template, number, row


def _column_findings(tables):
    for template, number, row in _cells(tables):
        for column in template.columns:
            value = (row.get(column.code) or "").strip()
            if not value:
                condition = CONDITIONAL.get((template.code, column.code))
                if column.mandatory or (condition and row.get(condition[0]) == condition[1]):
                    yield Finding(template.code, number, column.code, "mandatory", f"{column.label} is mandatory.")
                continue
            problem = _format_problem(column.kind, value, row, template.code, column.code)
            if problem:
                yield Finding(template.code, number, column.code, "format", problem)
                continue
            problem = _controlled_problem(column.kind, value)
            if problem:
                yield Finding(template.code, number, column.code, "controlled", problem)


def _referential_findings(tables):
    def keys(template, *columns):
        return {tuple(row.get(column, "") for column in columns) for row in tables.get(template, ())}

    providers = keys("B_05.01", "c0010", "c0020")
    functions = keys("B_06.01", "c0010")
    entities = keys("B_01.02", "c0010")
    arrangements = keys("B_02.01", "c0010")
    checks = (
        ("B_02.02", ("c0030", "c0040"), providers, "The provider is not in B_05.01."),
        ("B_03.02", ("c0020", "c0030"), providers, "The provider is not in B_05.01."),
        ("B_05.02", ("c0030", "c0040"), providers, "The provider is not in B_05.01."),
        ("B_07.01", ("c0020", "c0030"), providers, "The provider is not in B_05.01."),
        ("B_02.02", ("c0050",), functions, "The function is not in B_06.01."),
        ("B_02.02", ("c0020",), entities, "The entity is not in B_01.02."),
        ("B_03.01", ("c0020",), entities, "The entity is not in B_01.02."),
        ("B_04.01", ("c0020",), entities, "The entity is not in B_01.02."),
        ("B_06.01", ("c0040",), entities, "The entity is not in B_01.02."),
        ("B_02.02", ("c0010",), arrangements, "The arrangement is not in B_02.01."),
        ("B_05.02", ("c0010",), arrangements, "The arrangement is not in B_02.01."),
        ("B_07.01", ("c0010",), arrangements, "The arrangement is not in B_02.01."),
    )
    for template, columns, known, message in checks:
        for number, row in enumerate(tables.get(template, ()), start=2):
            key = tuple(row.get(column, "") for column in columns)
            if key[0] and key not in known:
                yield Finding(template, number, columns[0], "referential", f"{message} ({key[0]})")

    # The chain: rank 1 is the arrangement's own provider; each later rank's recipient is a provider one rank up.
    direct = keys("B_02.02", "c0010", "c0030", "c0040")
    by_rank = keys("B_05.02", "c0010", "c0050", "c0030", "c0040")
    for number, row in enumerate(tables.get("B_05.02", ()), start=2):
        ref, rank = row.get("c0010", ""), row.get("c0050", "")
        if not rank.isdigit():
            continue
        if rank == "1":
            if (ref, row.get("c0030", ""), row.get("c0040", "")) not in direct:
                yield Finding(
                    "B_05.02", number, "c0030", "referential", "Rank 1 is not the arrangement's provider in B_02.02."
                )
        elif (ref, str(int(rank) - 1), row.get("c0060", ""), row.get("c0070", "")) not in by_rank:
            yield Finding(
                "B_05.02",
                number,
                "c0060",
                "referential",
                f"The recipient is not a provider at rank {int(rank) - 1} of this chain.",
            )


def validate_roi(tables) -> list[Finding]:
    """Every finding on the package's tables; an empty list means it passes."""
    unknown = [code for code in tables if code not in TEMPLATES_BY_CODE]
    findings = [Finding(code, 1, "", "format", "Not a template of the register of information.") for code in unknown]
    findings += list(_column_findings(tables))
    findings += list(_referential_findings(tables))
    return findings
