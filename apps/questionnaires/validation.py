"""What an answer of each type may hold. Raises ValidationError with a message for the vendor."""

import datetime
import decimal

from django.core.exceptions import ValidationError

from .choices import AnswerType

YES_NO_NA = ("yes", "no", "na")
MAX_TEXT = 10_000


def clean_answer_value(question, raw):
    """The stored form of `raw` for `question`: None when empty. Lists for multiple choice, strings otherwise."""
    kind = question.answer_type
    if kind == AnswerType.MULTIPLE_CHOICE:
        values = [str(v) for v in (raw if isinstance(raw, list | tuple) else [raw] if raw else [])]
        allowed = {str(c["value"]) for c in question.choices}
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise ValidationError("Choose among the options offered.")
        return [v for v in (str(c["value"]) for c in question.choices) if v in values] or None
    if isinstance(raw, list | tuple):
        raise ValidationError("Give one answer.")
    value = "" if raw is None else str(raw).strip()
    if not value:
        return None
    if kind == AnswerType.YES_NO_NA and value not in YES_NO_NA:
        raise ValidationError("Answer yes, no or not applicable.")
    if kind == AnswerType.SINGLE_CHOICE and value not in {str(c["value"]) for c in question.choices}:
        raise ValidationError("Choose one of the options offered.")
    if kind == AnswerType.NUMBER:
        try:
            number = decimal.Decimal(value.replace(",", "."))
        except decimal.InvalidOperation as exc:
            raise ValidationError("Enter a number.") from exc
        if not number.is_finite() or abs(number) >= 10**15:
            raise ValidationError("Enter a number.")
        return str(number)
    if kind == AnswerType.DATE:
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError as exc:
            raise ValidationError("Enter a date as YYYY-MM-DD.") from exc
    if len(value) > MAX_TEXT:
        raise ValidationError(f"Keep the answer under {MAX_TEXT} characters.")
    return value
