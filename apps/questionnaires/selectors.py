"""Reads of the questionnaires app."""

from django.db.models import Prefetch

from . import scoring
from .choices import QuestionnaireState
from .models import Answer, Question, QuestionBank, Questionnaire

STANDARD_BANK_SLUG = "vendorrisk-standard"


def bank_current(*, slug=STANDARD_BANK_SLUG):
    return QuestionBank.objects.filter(slug=slug, is_current=True).order_by("-version").first()


def questions_for_tier(*, bank, tier):
    """The bank's questions a vendor of `tier` is asked: a tier-4 vendor gets the short set; no tier, all."""
    questions = Question.objects.filter(section__bank=bank)
    if tier is not None:
        questions = questions.filter(applies_up_to_tier__gte=tier)
    return questions.order_by("section__position", "position", "id")


def answers_with_questions(*, questionnaire):
    return (
        Answer.objects.filter(questionnaire=questionnaire)
        .select_related("question__section", "reviewed_by")
        .prefetch_related("question__requirements", "files")
        .order_by("question__section__position", "question__position", "question_id")
    )


def progress(*, answers) -> tuple[int, int]:
    """(answered, total) of a list of answers."""
    answers = list(answers)
    return sum(1 for a in answers if a.is_answered), len(answers)


def scores(*, questionnaire, answers=None) -> dict:
    """{"overall": pct or None, "sections": [{"code", "title", "score", "answered", "total"}]}."""
    answers = list(answers if answers is not None else answers_with_questions(questionnaire=questionnaire))
    sections = {}
    for answer in answers:
        sections.setdefault(answer.question.section, []).append(answer)
    return {
        "overall": scoring.score((a.question, a) for a in answers),
        "sections": [
            {
                "code": section.code,
                "title": section.title_in(),
                "score": scoring.score((a.question, a) for a in rows),
                "answered": sum(1 for a in rows if a.is_answered),
                "total": len(rows),
            }
            for section, rows in sections.items()
        ],
    }


def requirement_proposals(*, questionnaire, answers=None) -> list[dict]:
    """Per security requirement the answers bear on: the status the reviewed answers propose, their files, codes."""
    answers = list(answers if answers is not None else answers_with_questions(questionnaire=questionnaire))
    by_requirement = {}
    for answer in answers:
        for requirement in answer.question.requirements.all():
            entry = by_requirement.setdefault(
                requirement.pk, {"requirement": requirement, "statuses": [], "files": [], "question_codes": []}
            )
            entry["statuses"].append(scoring.proposed_status(answer.question, answer))
            entry["question_codes"].append(answer.question.code)
            entry["files"].extend(answer.files.all())
    proposals = []
    for entry in sorted(by_requirement.values(), key=lambda e: e["requirement"].code):
        # The reviewed answers decide (not met wins); answers not reviewed yet propose nothing.
        proposals.append({**entry, "status": scoring.combine(entry["statuses"])})
    return proposals


def questionnaire_summary_for_vendor(*, vendor) -> dict | None:
    """The vendor's latest questionnaire for the vendor page: state, due date, progress and scores; None if none."""
    questionnaire = (
        Questionnaire.objects.filter(vendor=vendor)
        .exclude(state=QuestionnaireState.CANCELLED)
        .select_related("bank", "contact")
        .order_by("-created_at", "-id")
        .first()
    )
    if questionnaire is None:
        return None
    answers = list(answers_with_questions(questionnaire=questionnaire))
    answered, total = progress(answers=answers)
    return {
        "questionnaire": questionnaire,
        "state": questionnaire.get_state_display(),
        "due_on": questionnaire.due_on,
        "answered": answered,
        "total": total,
        **scores(questionnaire=questionnaire, answers=answers),
    }


def questionnaires_list():
    return Questionnaire.objects.select_related("vendor", "bank", "contact").prefetch_related(
        Prefetch("answers", queryset=Answer.objects.only("id", "questionnaire_id", "value"))
    )
