"""Reading a question bank from CSV or XLSX, in one of two column layouts. Parsing only: nothing is written here.

- CSA's CAIQ v4 layout: a header row with "Question ID" and "Question" (and usually "CSP CAIQ Answer",
  "CCM Domain Title"); every question is yes / no / not applicable; the section is the domain prefix of the id
  (A&A-01.1 → A&A). An optional "Requirement codes" column maps questions to our requirements. We ship no CAIQ
  text: users import their own licensed copy.
- The generic layout: "section, id, question, type, choices, requirement codes", optionally followed by
  "help", "evidence", "weight", "tier". Choices are "value=score|value=score" (a score 0..1; without one, 1).

Every problem is reported with its row and column ("Row 12, column E (type): …"), all at once.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from .choices import AnswerType

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
MAX_ERRORS = 20
GENERIC = ("section", "id", "question", "type", "choices", "requirement codes")
OPTIONAL = ("help", "evidence", "weight", "tier")
TYPE_ALIASES = {
    "yes/no": AnswerType.YES_NO_NA,
    "yes/no/na": AnswerType.YES_NO_NA,
    "yes_no": AnswerType.YES_NO_NA,
    "single": AnswerType.SINGLE_CHOICE,
    "multiple": AnswerType.MULTIPLE_CHOICE,
    "choice": AnswerType.SINGLE_CHOICE,
    "upload": AnswerType.FILE,
}
TRUE = {"yes", "y", "true", "1", "x"}


@dataclass
class ParsedQuestion:
    section: str
    section_title: str
    code: str
    text: str
    answer_type: str
    choices: list = field(default_factory=list)
    requirement_codes: list = field(default_factory=list)
    help_text: str = ""
    evidence_expected: bool = False
    weight: int = 1
    applies_up_to_tier: int = 4
    translations: dict = field(default_factory=dict)  # {"fr": {"text": ..., "help_text": ...}}
    where: str = ""  # "Row 12, column F (requirement codes)": where an unknown requirement code would be reported


def column_letter(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(value):
    return "" if value is None else str(value).strip()


def _rows_from_csv(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": "The CSV file is not UTF-8 text."}) from exc
    return [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text))]


def _rows_from_xlsx(data: bytes):
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationError({"file": "The file is not a readable XLSX workbook."}) from exc
    try:
        for sheet in workbook.worksheets:
            rows = []
            for row in sheet.iter_rows(values_only=True):
                rows.append([_cell(c) for c in row])
                if len(rows) > MAX_ROWS + 20:
                    break
            if _find_header(rows)[0] is not None:
                return rows
        return rows if workbook.worksheets else []
    finally:
        workbook.close()


def _find_header(rows):
    """(row index, layout, {column name: index}) of the first header row in the first 20 rows."""
    for number, row in enumerate(rows[:20]):
        names = [c.lower() for c in row]
        if "question id" in names and "question" in names:
            return number, "caiq", {name: i for i, name in enumerate(names) if name}
        if all(name in names for name in GENERIC):
            return number, "generic", {name: i for i, name in enumerate(names) if name}
    return None, None, {}


def _choices(text):
    choices = []
    for part in [p.strip() for p in text.split("|") if p.strip()]:
        label, _, score = part.partition("=")
        choices.append({"value": slugify(label)[:50] or label[:50], "label": label.strip(), "score": float(score or 1)})
    return choices


def _requirement_codes(text):
    return [code for code in re.split(r"[\s,;]+", text) if code]


def parse_bank_file(*, name: str, data: bytes) -> list[ParsedQuestion]:
    """The questions of a CSV or XLSX file. Raises ValidationError({"file": [messages naming row and column]})."""
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": f"The file is over {MAX_BYTES // (1024 * 1024)} MB."})
    lowered = (name or "").lower()
    if lowered.endswith(".xlsx"):
        rows = _rows_from_xlsx(data)
    elif lowered.endswith(".csv"):
        rows = _rows_from_csv(data)
    else:
        raise ValidationError({"file": "Import a .csv or .xlsx file."})
    header_at, layout, columns = _find_header(rows)
    if header_at is None:
        raise ValidationError(
            {
                "file": "No header row found: expected CAIQ v4 columns (Question ID, Question) or the generic "
                "columns (section, id, question, type, choices, requirement codes)."
            }
        )
    if len(rows) - header_at - 1 > MAX_ROWS:
        raise ValidationError({"file": f"At most {MAX_ROWS} questions may be imported at once."})
    parse_row = _caiq_row if layout == "caiq" else _generic_row
    questions, errors, seen = [], [], {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(row):
            continue
        problems = []

        def get(column, row=row):
            index = columns.get(column)
            return row[index] if index is not None and index < len(row) else ""

        def refuse(column, message, number=number, problems=problems):
            index = columns.get(column, 0)
            problems.append(f"Row {number}, column {column_letter(index)} ({column}): {message}")

        question = parse_row(get, refuse)
        if question is not None and not problems:
            key = (question.section, question.code)
            if key in seen:
                refuse("question id" if layout == "caiq" else "id", f"{question.code} repeats row {seen[key]}.")
            else:
                seen[key] = number
                index = columns.get("requirement codes")
                where = f"column {column_letter(index)} (requirement codes)" if index is not None else "(no column)"
                question.where = f"Row {number}, {where}"
                questions.append(question)
        errors.extend(problems)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ValidationError({"file": errors[:MAX_ERRORS]})
    if not questions:
        raise ValidationError({"file": "The sheet has a header but no questions."})
    return questions


CAIQ_ID = re.compile(r"^([A-Z&]{2,4})-\d{2}(\.\d+)?$")


def _caiq_row(get, refuse):
    code, text = get("question id"), get("question")
    if not code:
        refuse("question id", "the question id is empty.")
        return None
    match = CAIQ_ID.match(code)
    if not match:
        refuse("question id", f"{code!r} is not a CAIQ question id such as A&A-01.1.")
        return None
    if not text:
        refuse("question", "the question is empty.")
        return None
    domain = match.group(1)
    return ParsedQuestion(
        section=domain,
        section_title=get("ccm domain title") or domain,
        code=code,
        text=text,
        answer_type=AnswerType.YES_NO_NA,
        requirement_codes=_requirement_codes(get("requirement codes")),
    )


def _generic_row(get, refuse):
    section, code, text, kind = get("section"), get("id"), get("question"), get("type").lower()
    for column, value in (("section", section), ("id", code), ("question", text), ("type", kind)):
        if not value:
            refuse(column, f"the {column} is empty.")
    if not (section and code and text and kind):
        return None
    answer_type = TYPE_ALIASES.get(kind, kind)
    if answer_type not in AnswerType.values:
        refuse("type", f"unknown answer type {kind!r}; use one of {', '.join(AnswerType.values)}.")
        return None
    try:
        choices = _choices(get("choices"))
    except ValueError:
        refuse("choices", "write choices as value=score|value=score with scores between 0 and 1.")
        return None
    if any(not 0 <= c["score"] <= 1 for c in choices):
        refuse("choices", "choice scores must be between 0 and 1.")
        return None
    if answer_type in (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE) and len(choices) < 2:
        refuse("choices", "a choice question needs at least two choices.")
        return None
    weight, tier = get("weight") or "1", get("tier") or "4"
    if not weight.isdigit() or not 0 <= int(weight) <= 100:
        refuse("weight", "the weight must be a whole number from 0 to 100.")
        return None
    if tier not in {"1", "2", "3", "4"}:
        refuse("tier", "the tier must be 1, 2, 3 or 4.")
        return None
    section_code, _, section_title = section.partition(" ")
    return ParsedQuestion(
        section=section_code[:40],
        section_title=section_title.strip(" -:") or section_code,
        code=code[:40],
        text=text,
        answer_type=answer_type,
        choices=choices,
        requirement_codes=_requirement_codes(get("requirement codes")),
        help_text=get("help"),
        evidence_expected=get("evidence").lower() in TRUE,
        weight=int(weight),
        applies_up_to_tier=int(tier),
    )
