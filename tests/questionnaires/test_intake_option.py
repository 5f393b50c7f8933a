"""Intake's option: "send our standard security questionnaire to the vendor" when the buyer submits."""

import pytest

from apps.questionnaires.models import Questionnaire
from tests.intake.conftest import complete_answers
from tests.intake.test_intake_submit import submit

from .conftest import link_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers(bank):
    from tests.factories.datamap import SystemFactory

    return complete_answers(SystemFactory(slug="platform-openai-com", name="API console (platform.openai.com)"))


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def test_a_buyer_can_have_the_standard_questionnaire_sent_at_submit(
    buyer_client, answers, reviewer, django_capture_on_commit_callbacks
):
    answers |= {
        "send_questionnaire": "on",
        "questionnaire_contact_name": "Pat Security",
        "questionnaire_contact_email": "security@pageview.example",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(buyer_client, answers)
    assert response.status_code == 302, response.content.decode()[:3000]
    questionnaire = Questionnaire.objects.get(vendor__slug="pageview-analytics")
    assert (questionnaire.state, questionnaire.contact.email) == ("sent", "security@pageview.example")
    assert questionnaire.created_by.username == "buyer" and questionnaire.questions.count() == 42  # tier 2
    assert link_token()
    # Submitting the same request again sends nothing twice (it is submitted; the vendor has one open anyway).
    submit(buyer_client, answers, url=response["Location"])
    assert Questionnaire.objects.count() == 1


def test_the_option_needs_the_contacts_email(buyer_client, answers):
    answers |= {"send_questionnaire": "on"}
    response = submit(buyer_client, answers)
    assert response.status_code == 200
    assert "Give the address the questionnaire should go to" in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_without_the_option_nothing_is_sent(buyer_client, answers, reviewer):
    submit(buyer_client, answers)
    assert not Questionnaire.objects.exists()
