"""Importing a question bank: a 261-question CAIQ v4-shaped workbook, the generic sheet, and malformed sheets
refused with the row and column named and nothing written."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from apps.questionnaires.models import Question, QuestionBank
from apps.questionnaires.services import bank_import

pytestmark = pytest.mark.django_db

# The 17 CCM v4 domains and how many CAIQ v4 questions each has: 261 in all. The question text is made up here.
DOMAINS = {
    "A&A": ("Audit & Assurance", 9),
    "AIS": ("Application & Interface Security", 15),
    "BCR": ("Business Continuity Management and Operational Resilience", 22),
    "CCC": ("Change Control and Configuration Management", 9),
    "CEK": ("Cryptography, Encryption & Key Management", 21),
    "DCS": ("Datacenter Security", 19),
    "DSP": ("Data Security and Privacy Lifecycle Management", 22),
    "GRC": ("Governance, Risk and Compliance", 8),
    "HRS": ("Human Resources", 15),
    "IAM": ("Identity & Access Management", 18),
    "IPY": ("Interoperability & Portability", 6),
    "IVS": ("Infrastructure & Virtualization Security", 11),
    "LOG": ("Logging and Monitoring", 18),
    "SEF": ("Security Incident Management, E-Discovery, & Cloud Forensics", 11),
    "STA": ("Supply Chain Management, Transparency, and Accountability", 20),
    "TVM": ("Threat & Vulnerability Management", 11),
    "UEM": ("Universal Endpoint Management", 26),
}
CAIQ_HEADER = [
    "Question ID",
    "Question",
    "CSP CAIQ Answer",
    "SSRM Control Ownership",
    "CSP Implementation Description",
    "CCM Control ID",
    "CCM Domain Title",
    "Requirement codes",
]


def caiq_workbook(*, mutate=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "CAIQv4.0.3"
    sheet.append(["Consensus Assessments Initiative Questionnaire v4 (shape only, test data)"])
    sheet.append([])
    sheet.append(CAIQ_HEADER)
    for domain, (title, count) in DOMAINS.items():
        for n in range(1, count + 1):
            control = f"{domain}-{(n + 1) // 2:02d}"
            codes = "breach-notification-72h" if domain == "SEF" and n == 1 else ""
            sheet.append(
                [f"{control}.{2 - n % 2}", f"Test question {n} of {title}?", "", "", "", control, title, codes]
            )
    if mutate:
        mutate(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def requirements(db):
    from tests.intake.conftest import load_reference_data

    load_reference_data()


def test_a_261_question_caiq_workbook_creates_the_bank(requirements, reviewer):
    assert sum(count for _, count in DOMAINS.values()) == 261
    bank = bank_import(name="CAIQ v4", slug="caiq-v4", file_name="caiq.xlsx", data=caiq_workbook(), actor=reviewer)
    assert Question.objects.filter(section__bank=bank).count() == 261
    assert bank.sections.count() == 17
    assert bank.sections.get(code="SEF").title.startswith("Security Incident Management")
    question = Question.objects.get(section__bank=bank, code="SEF-01.1")
    assert question.answer_type == "yes_no_na"
    assert list(question.requirements.values_list("code", flat=True)) == ["breach-notification-72h"]
    # Importing again makes version 2 the current one; version 1 stays for the questionnaires sent with it.
    again = bank_import(name="CAIQ v4", slug="caiq-v4", file_name="caiq.xlsx", data=caiq_workbook(), actor=reviewer)
    assert (again.version, again.is_current) == (2, True)
    assert list(QuestionBank.objects.filter(slug="caiq-v4").values_list("version", "is_current")) == [
        (2, True),
        (1, False),
    ]


def _broken_id(sheet):
    sheet["A12"] = "not an id"


def _empty_question(sheet):
    sheet["B40"] = None


def _unknown_requirement(sheet):
    sheet["H7"] = "no-such-requirement"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_broken_id, "Row 12, column A (question id): 'not an id' is not a CAIQ question id"),
        (_empty_question, "Row 40, column B (question): the question is empty."),
        (_unknown_requirement, "Row 7, column H (requirement codes): unknown requirement code 'no-such-requirement'."),
    ],
)
def test_a_malformed_sheet_is_refused_naming_row_and_column_and_nothing_is_written(
    requirements, reviewer, mutate, expected
):
    with pytest.raises(ValidationError) as error:
        bank_import(name="CAIQ", slug="caiq", file_name="caiq.xlsx", data=caiq_workbook(mutate=mutate), actor=reviewer)
    assert any(expected in message for message in error.value.message_dict["file"]), error.value.message_dict
    assert not QuestionBank.objects.exists() and not Question.objects.exists()


GENERIC_CSV = """section,id,question,type,choices,requirement codes,help,evidence,weight,tier
GOV Governance,G-1,Do you hold a SOC 2 Type II report?,yes/no/na,,assurance-report,Attach it,yes,3,4
GOV Governance,G-2,How often do you test backups?,single,Monthly=1|Yearly=0.5|Never=0,exit-plan,,,1,2
INC Incidents,I-1,Which channels do you notify by?,multiple,Email=0.5|Phone=0.5,breach-notification-72h,,,2,3
"""


def test_the_generic_sheet_imports_types_choices_weights_and_tiers(requirements, reviewer):
    bank = bank_import(name="Ours", slug="ours", file_name="bank.csv", data=GENERIC_CSV.encode(), actor=reviewer)
    questions = {q.code: q for q in Question.objects.filter(section__bank=bank)}
    assert questions["G-1"].answer_type == "yes_no_na" and questions["G-1"].evidence_expected
    assert (questions["G-1"].weight, questions["G-1"].applies_up_to_tier) == (3, 4)
    assert questions["G-2"].choices[1] == {"value": "yearly", "label": "Yearly", "score": 0.5}
    assert questions["I-1"].answer_type == "multiple_choice"
    assert bank.sections.get(code="INC").title == "Incidents"


def test_a_bad_generic_row_names_its_column(requirements, reviewer):
    data = GENERIC_CSV.replace("single,Monthly", "slider,Monthly").encode()
    with pytest.raises(ValidationError) as error:
        bank_import(name="Ours", slug="ours", file_name="bank.csv", data=data, actor=reviewer)
    assert error.value.message_dict["file"][0].startswith("Row 3, column D (type): unknown answer type 'slider'")
    assert not QuestionBank.objects.exists()


def test_a_file_that_is_not_a_bank_is_refused(requirements, reviewer, buyer):
    for name, data in (("bank.xlsx", b"not a zip"), ("bank.txt", b"a,b"), ("bank.csv", b"just,some,columns\n1,2,3")):
        with pytest.raises(ValidationError) as error:
            bank_import(name="X", slug="x", file_name=name, data=data, actor=reviewer)
        assert "file" in error.value.message_dict
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        bank_import(name="X", slug="x", file_name="bank.csv", data=GENERIC_CSV.encode(), actor=buyer)


def test_the_import_command_fails_with_one_line_naming_the_row(requirements, tmp_path):
    path = tmp_path / "caiq.xlsx"
    path.write_bytes(caiq_workbook(mutate=_broken_id))
    with pytest.raises(CommandError, match=r"Row 12, column A"):
        call_command("questionnaire_bank_import", str(path), "--slug", "caiq", "--name", "CAIQ")
    path.write_bytes(caiq_workbook())
    out = io.StringIO()
    call_command("questionnaire_bank_import", str(path), "--slug", "caiq", "--name", "CAIQ", stdout=out)
    assert "261 questions imported" in out.getvalue()
