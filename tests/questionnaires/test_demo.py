"""The demo: Mixpanel's questionnaire, submitted, with answers that meet some requirements and miss others."""

import pytest

from apps.questionnaires import selectors, services
from apps.questionnaires.choices import AnswerReview
from apps.questionnaires.models import Questionnaire

pytestmark = pytest.mark.django_db


def test_mixpanels_questionnaire_is_submitted_and_meets_some_requirements_not_others(demo_data, reviewer):
    questionnaire = Questionnaire.objects.get(vendor__slug="mixpanel")
    assert questionnaire.state == "submitted"
    answered, total = selectors.progress(answers=questionnaire.answers.all())
    assert answered == total > 0
    services.questionnaire_start_review(questionnaire=questionnaire, actor=reviewer)
    for answer in questionnaire.answers.all():
        services.answer_review(answer=answer, decision=AnswerReview.ACCEPTED, actor=reviewer)
    proposals = {
        p["requirement"].code: p["status"] for p in selectors.requirement_proposals(questionnaire=questionnaire)
    }
    assert proposals["assurance-report"] == "met" and proposals["signed-dpa"] == "met"
    assert proposals["breach-notification-72h"] == "not_met"
    assert proposals["no-personal-data-client-side-analytics-without-pseudonymisation"] == "not_met"
    summary = selectors.questionnaire_summary_for_vendor(vendor=questionnaire.vendor)
    assert 0 < summary["overall"] < 100
