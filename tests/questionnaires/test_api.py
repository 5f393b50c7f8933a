"""The questionnaire API (reviewers only): send, remind, extend, cancel, review answers; per role, bad input,
illegal moves, constant query counts."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.questionnaires.models import Questionnaire
from apps.questionnaires.services import questionnaire_start_review

from .conftest import link_token, make_vendor, send

pytestmark = pytest.mark.django_db


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _due(days=14):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_a_reviewer_sends_a_questionnaire_and_the_contact_gets_a_link(
    reviewer, vendor_and_contact, django_capture_on_commit_callbacks
):
    vendor, contact = vendor_and_contact
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(
            "/api/v1/questionnaires/", {"vendor": vendor.slug, "contact": contact.pk, "due_on": _due()}, format="json"
        )
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "sent" and response.json()["code_required"] is True
    to_contact = [m for m in mail.outbox if m.to == [contact.email]]
    assert len(to_contact) == 1 and link_token(to_contact[0])
    assert to_contact[0].body.count("http://testserver/portal/") == 1


def test_bad_input_names_the_field_and_writes_nothing(reviewer, vendor_and_contact):
    vendor, contact = vendor_and_contact
    response = client_for(reviewer).post(
        "/api/v1/questionnaires/",
        {"vendor": vendor.slug, "contact": contact.pk, "due_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "due_on" in response.json()
    assert not Questionnaire.objects.exists() and not mail.outbox


@pytest.mark.parametrize("role_user", ["dashboard_user", "buyer"])
def test_other_roles_cannot_send_or_review(request, role_user, reviewer, vendor_and_contact):
    user = request.getfixturevalue(role_user)
    vendor, contact = vendor_and_contact
    questionnaire = send(reviewer, vendor, contact)
    client = client_for(user)
    response = client.post(
        "/api/v1/questionnaires/", {"vendor": vendor.slug, "contact": contact.pk, "due_on": _due()}, format="json"
    )
    assert response.status_code == 403
    assert client.post(f"/api/v1/questionnaires/{questionnaire.pk}/cancel/", {}, format="json").status_code == 403
    answer = questionnaire.answers.first()
    assert (
        client.post(f"/api/v1/answers/{answer.pk}/review/", {"decision": "accepted"}, format="json").status_code == 403
    )
    questionnaire.refresh_from_db()
    assert questionnaire.state == "sent"


def test_the_dashboard_reads_but_procurement_does_not(dashboard_user, buyer, reviewer, vendor_and_contact):
    send(reviewer, *vendor_and_contact)
    assert client_for(dashboard_user).get("/api/v1/questionnaires/").status_code == 200
    assert client_for(buyer).get("/api/v1/questionnaires/").status_code == 403
    assert client_for().get("/api/v1/questionnaires/").status_code in (401, 403)


def test_illegal_moves_answer_409_with_a_code(reviewer, vendor_and_contact):
    questionnaire = send(reviewer, *vendor_and_contact)
    client = client_for(reviewer)
    response = client.post(f"/api/v1/questionnaires/{questionnaire.pk}/accept/", {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"
    answer = questionnaire.answers.first()
    response = client.post(f"/api/v1/answers/{answer.pk}/review/", {"decision": "accepted"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_under_review"


def test_remind_twice_sends_once_and_extend_and_cancel(
    reviewer, vendor_and_contact, django_capture_on_commit_callbacks
):
    vendor, contact = vendor_and_contact
    questionnaire = send(reviewer, vendor, contact)
    client = client_for(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/questionnaires/{questionnaire.pk}/remind/").status_code == 200
        assert client.post(f"/api/v1/questionnaires/{questionnaire.pk}/remind/").status_code == 200
    assert len([m for m in mail.outbox if "Reminder" in m.body]) == 1
    response = client.post(f"/api/v1/questionnaires/{questionnaire.pk}/extend/", {"due_on": _due(30)}, format="json")
    assert response.status_code == 200 and response.json()["due_on"] == _due(30)
    response = client.post(
        f"/api/v1/questionnaires/{questionnaire.pk}/cancel/", {"note": "Wrong contact"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "cancelled"


def test_answers_show_the_requirements_they_bear_on_and_accept_per_answer(reviewer, vendor_and_contact):
    questionnaire = send(reviewer, *vendor_and_contact)
    questionnaire.state = "submitted"
    Questionnaire.objects.filter(pk=questionnaire.pk).update(state="submitted")
    questionnaire_start_review(questionnaire=questionnaire, actor=reviewer)
    client = client_for(reviewer)
    rows = client.get("/api/v1/answers/", {"questionnaire": questionnaire.pk, "page_size": 100}).json()["results"]
    inc = next(r for r in rows if r["question"]["code"] == "INC-01")
    assert inc["question"]["requirements"] == ["breach-notification-72h"]
    response = client.post(f"/api/v1/answers/{inc['id']}/review/", {"decision": "rejected"}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    response = client.post(
        f"/api/v1/answers/{inc['id']}/review/", {"decision": "rejected", "comment": "No"}, format="json"
    )
    assert response.status_code == 200 and response.json()["review"] == "rejected"
    summary = client.get(f"/api/v1/questionnaires/{questionnaire.pk}/summary/").json()
    assert {"requirement": "breach-notification-72h", "status": "not_met"}.items() <= next(
        p for p in summary["proposals"] if p["requirement"] == "breach-notification-72h"
    ).items()


@pytest.mark.parametrize("url", ["/api/v1/questionnaires/", "/api/v1/answers/", "/api/v1/question-banks/"])
def test_lists_run_the_same_queries_at_page_sizes_1_and_100(reviewer, bank, url):
    for n in range(3):
        vendor, contact = make_vendor(f"v{n}")
        send(reviewer, vendor, contact)
    client = client_for(reviewer)
    counts = []
    for size in (1, 100):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, {"page_size": size}).status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
