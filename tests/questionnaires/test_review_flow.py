"""From sending to requirement statuses: the vendor answers, the reviewer accepts or rejects per answer, asks a
follow-up, applies what accepted answers propose through the risk service, and accepts the questionnaire."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core.exceptions import TransitionRefused
from apps.notifications.models import NotificationEvent
from apps.questionnaires import selectors, services
from apps.questionnaires.choices import AnswerReview, QuestionnaireState
from apps.questionnaires.models import Answer
from apps.risk.models import VendorRequirement

from .conftest import PDF, make_vendor, portal_client, send

pytestmark = pytest.mark.django_db
S = QuestionnaireState
GOOD = {"yes_no_na": "yes", "text": "Jane Doe, CISO", "number": "30", "date": "2026-06-30"}


def _answer_everything(client, questionnaire, *, overrides=None, files=None):
    data = {}
    for answer in questionnaire.answers.select_related("question"):
        q = answer.question
        if q.answer_type in ("single_choice", "multiple_choice"):
            data[f"q{q.pk}"] = q.choices[0]["value"]
            if q.answer_type == "multiple_choice":
                data[f"q{q.pk}-present"] = "1"
        elif q.answer_type == "file":
            data[f"q{q.pk}-file"] = SimpleUploadedFile("plan.pdf", PDF)
        else:
            data[f"q{q.pk}"] = GOOD[q.answer_type]
    for code, value in (overrides or {}).items():
        data[f"q{questionnaire.answers.get(question__code=code).question_id}"] = value
    for code, upload in (files or {}).items():
        data[f"q{questionnaire.answers.get(question__code=code).question_id}-file"] = upload
    response = client.post("/portal/questionnaire/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _statuses(vendor):
    return dict(VendorRequirement.objects.filter(vendor=vendor).values_list("requirement__code", "status"))


def test_tier_decides_which_questions_apply(bank, reviewer):
    counts = {}
    for tier in (1, 2, 3, 4):
        vendor, contact = make_vendor(f"tier-{tier}", tier=tier)
        counts[tier] = send(reviewer, vendor, contact).questions.count()
    assert counts[1] == counts[2] == 42 and counts[4] < counts[3] < counts[2]
    assert counts[4] == 4  # the short set


def test_the_standard_bank_covers_every_requirement_in_three_languages(bank):
    from apps.risk.models import SecurityRequirement

    covered = set(bank.sections.values_list("questions__requirements__code", flat=True))
    assert set(SecurityRequirement.objects.values_list("code", flat=True)) <= covered
    question = bank.sections.get(code="INC").questions.get(code="INC-01")
    assert "72 heures" in question.text_in("fr") and "72 horas" in question.text_in("es")
    assert services.bank_install_standard() == bank  # twice changes nothing


def test_the_code_is_on_by_default_for_tiers_one_and_two(bank, reviewer):
    critical, contact = make_vendor("critical", tier=1)
    low, low_contact = make_vendor("low", tier=4)
    due = timezone.localdate() + datetime.timedelta(days=10)
    assert services.questionnaire_send(vendor=critical, contact=contact, due_on=due, actor=reviewer).code_required
    assert not services.questionnaire_send(vendor=low, contact=low_contact, due_on=due, actor=reviewer).code_required


def test_sending_refuses_bad_input_naming_the_field_and_writes_nothing(bank, reviewer, buyer):
    vendor, contact = make_vendor("acme")
    _, other_contact = make_vendor("other")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.questionnaire_send(vendor=vendor, contact=other_contact, due_on=today, actor=reviewer)
    assert set(error.value.message_dict) == {"contact", "due_on"}
    with pytest.raises(PermissionDenied):
        services.questionnaire_send(vendor=vendor, contact=contact, due_on=today + datetime.timedelta(1), actor=buyer)
    assert not vendor.questionnaires.exists()


def test_the_whole_review_turns_answers_into_requirement_statuses(
    client, reviewer, vendor_and_contact, django_capture_on_commit_callbacks
):
    vendor, contact = vendor_and_contact
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire = send(reviewer, vendor, contact)
    from .conftest import link_token

    portal_client(client, link_token())
    # The vendor: a SOC 2 report with its PDF, no 72-hour notification.
    _answer_everything(
        client,
        questionnaire,
        overrides={"GOV-01": "soc2_type2", "INC-01": "no"},
        files={"GOV-01": SimpleUploadedFile("acme-assurance-report.pdf", PDF)},
    )
    page = client.get("/portal/questionnaire/").content.decode()
    assert "42 of 42 answered" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/portal/submit/").status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.state == S.SUBMITTED
    assert "read-only" in client.get("/portal/questionnaire/").content.decode()
    assert client.post("/portal/questionnaire/", {}).status_code == 409  # submitted: read-only

    services.questionnaire_start_review(questionnaire=questionnaire, actor=reviewer)
    answers = {a.question.code: a for a in questionnaire.answers.select_related("question")}
    for code in ("GOV-01", "GOV-02", "GOV-03", "GOV-04", "INC-01"):
        services.answer_review(answer=answers[code], decision=AnswerReview.ACCEPTED, actor=reviewer)
    with pytest.raises(ValidationError) as error:
        services.answer_review(answer=answers["DPR-01"], decision=AnswerReview.REJECTED, actor=reviewer)
    assert "comment" in error.value.message_dict
    services.answer_review(answer=answers["DPR-01"], decision=AnswerReview.REJECTED, actor=reviewer, comment="Unsigned")

    before = _statuses(vendor)
    applied = services.proposals_apply(questionnaire=questionnaire, actor=reviewer)
    after = _statuses(vendor)
    assert after["assurance-report"] == "met"
    assert after["breach-notification-72h"] == "not_met"
    assert after["signed-dpa"] == "not_met"
    assert {a["requirement"] for a in applied} >= {"assurance-report", "breach-notification-72h", "signed-dpa"}
    assert after["subprocessor-disclosure"] == before["subprocessor-disclosure"]  # nothing reviewed on it yet
    met = VendorRequirement.objects.get(vendor=vendor, requirement__code="assurance-report")
    assert met.evidence.vendor == vendor and met.evidence.file.read().startswith(b"%PDF")
    assert met.verified_by == reviewer and met.history.first().status == "met"  # the change is in the audit history

    # A follow-up reopens one question for the vendor, and only that one.
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_follow_up(answer=answers["SEC-01"], actor=reviewer, comment="Attach the tester's letter.")
    questionnaire.refresh_from_db()
    assert questionnaire.state == S.RETURNED
    portal = portal_client(client, link_token())
    page = portal.get("/portal/questionnaire/").content.decode()
    assert "Attach the tester&#x27;s letter." in page
    inc = answers["INC-01"].question_id
    sec = answers["SEC-01"].question_id
    portal.post("/portal/questionnaire/", {f"q{inc}": "yes", f"q{sec}": "no"})
    assert Answer.objects.get(pk=answers["INC-01"].pk).value == "no"  # closed: unchanged
    assert Answer.objects.get(pk=answers["SEC-01"].pk).value == "no"
    portal.post("/portal/submit/")
    questionnaire.refresh_from_db()
    assert questionnaire.state == S.SUBMITTED

    services.questionnaire_start_review(questionnaire=questionnaire, actor=reviewer)
    with pytest.raises(TransitionRefused) as refused:
        services.questionnaire_accept(questionnaire=questionnaire, actor=reviewer)
    assert refused.value.code == "answers_pending"
    for answer in questionnaire.answers.filter(review=AnswerReview.PENDING):
        services.answer_review(answer=answer, decision=AnswerReview.ACCEPTED, actor=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.questionnaire_accept(questionnaire=questionnaire, actor=reviewer)
    final = _statuses(vendor)
    assert final["sso-mfa-vendor-staff"] == "in_progress"  # SSO alone scores half (IAM-01)
    assert final["subprocessor-disclosure"] == "in_progress"  # claimed, but no file attached: not met yet
    assert final["assurance-report"] == "met"
    kinds = list(NotificationEvent.objects.filter(subject_type="questionnaire").values_list("kind", flat=True))
    assert sorted(kinds) == sorted(
        ["questionnaire.sent", "questionnaire.submitted", "questionnaire.submitted", "questionnaire.accepted"]
    )
    states = list(questionnaire.transitions.values_list("to_state", flat=True))
    assert states == [
        "sent",
        "in_progress",
        "submitted",
        "under_review",
        "returned",
        "submitted",
        "under_review",
        "accepted",
    ]
    summary = selectors.questionnaire_summary_for_vendor(vendor=vendor)
    assert summary["answered"] == summary["total"] == 42
    assert 0 < summary["overall"] < 100
    assert client.get("/portal/questionnaire/").status_code == 404  # accepted: the links are dead


def test_scores_follow_the_declared_weights(bank, reviewer, client, django_capture_on_commit_callbacks):
    vendor, contact = make_vendor("tiny", tier=4)
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire = send(reviewer, vendor, contact)
    from .conftest import link_token

    portal_client(client, link_token())
    # Tier 4: GOV-01 (3, choice), GOV-05 (1), DPR-01 (3), INC-01 (3). SOC 2 Type I scores half.
    _answer_everything(client, questionnaire, overrides={"GOV-01": "soc2_type1", "DPR-01": "no", "GOV-05": "na"})
    result = selectors.scores(questionnaire=questionnaire)
    assert result["overall"] == round(100 * (1.5 + 0 + 3) / 9, 1)
    assert {s["code"]: s["score"] for s in result["sections"]} == {"GOV": 50.0, "DPR": 0.0, "INC": 100.0}


def test_illegal_moves_are_refused(bank, reviewer, vendor_and_contact):
    vendor, contact = vendor_and_contact
    questionnaire = send(reviewer, vendor, contact)
    with pytest.raises(TransitionRefused) as refused:
        services.questionnaire_accept(questionnaire=questionnaire, actor=reviewer)
    assert refused.value.code == "illegal_transition"
    services.questionnaire_cancel(questionnaire=questionnaire, actor=reviewer)
    with pytest.raises(TransitionRefused):
        services.questionnaire_resend(questionnaire=questionnaire, actor=reviewer)


def test_the_vendors_admin_page_shows_the_latest_questionnaire_and_its_score(client, reviewer, vendor_and_contact):
    vendor, contact = vendor_and_contact
    questionnaire = send(reviewer, vendor, contact)
    client.force_login(reviewer)
    page = client.get(f"/admin/vendors/vendor/{vendor.pk}/change/").content.decode()
    assert f"Questionnaire #{questionnaire.pk} for Acme" in page and "0 of 42 answered" in page
