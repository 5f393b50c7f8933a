"""The portal's security: links that do not work say nothing, one vendor's link reaches nothing of another's,
the same CSP as everywhere, uploads checked like evidence, codes and links rate-limited, reminders sent once."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from apps.questionnaires.models import Answer, AnswerFile, PortalLink
from apps.questionnaires.services import questionnaire_cancel, reminders_send

from .conftest import PDF, link_token, make_vendor, portal_client, send, sent_code

pytestmark = pytest.mark.django_db


def _question(questionnaire, code):
    return questionnaire.answers.get(question__code=code).question


def _dead(response):
    return response.status_code == 404 and b"This link does not work" in response.content


def test_a_guessed_token_gets_a_page_that_reveals_nothing(client, sent):
    questionnaire, _ = sent
    response = client.get("/portal/" + "A" * 43 + "/")
    assert _dead(response)
    assert b"acme" not in response.content.lower()
    assert client.get("/portal/questionnaire/").status_code == 404


def test_an_expired_and_a_revoked_link_get_the_same_page(client, sent, reviewer):
    questionnaire, token = sent
    guessed = client.get("/portal/" + "B" * 43 + "/").content
    PortalLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = client.get(f"/portal/{token}/")
    assert _dead(expired) and expired.content == guessed
    PortalLink.objects.update(expires_at=timezone.now() + datetime.timedelta(days=1))
    questionnaire_cancel(questionnaire=questionnaire, actor=reviewer)
    revoked = client.get(f"/portal/{token}/")
    assert _dead(revoked) and revoked.content == guessed


def test_a_link_revoked_while_the_vendor_is_on_the_page_stops_working(client, sent, reviewer):
    questionnaire, token = sent
    portal_client(client, token)
    assert client.get("/portal/questionnaire/").status_code == 200
    questionnaire_cancel(questionnaire=questionnaire, actor=reviewer)
    assert _dead(client.get("/portal/questionnaire/"))


def test_the_token_is_stored_only_as_its_sha256_digest(sent):
    import hashlib

    _, token = sent
    link = PortalLink.objects.get()
    assert link.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(PortalLink.objects.values().get())


def test_the_portal_sets_the_same_csp_and_keeps_the_token_out_of_referers(client, sent):
    _, token = sent
    response = client.get(f"/portal/{token}/")
    assert response["Location"] == "/portal/questionnaire/"  # the token leaves the address bar at once
    page = client.get("/portal/questionnaire/")
    assert "default-src 'self'" in page["Content-Security-Policy"]
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert page["Referrer-Policy"] == "same-origin"
    assert b"<script" not in page.content


@pytest.fixture
def two_vendors(reviewer, sent, django_capture_on_commit_callbacks):
    """acme's questionnaire (with a file) and globex's, each with its own link."""
    acme, acme_token = sent
    vendor, contact = make_vendor("globex")
    with django_capture_on_commit_callbacks(execute=True):
        globex = send(reviewer, vendor, contact)
    globex_token = link_token()
    client = portal_client(Client(), globex_token)
    question = _question(globex, "GOV-01")
    upload = SimpleUploadedFile("soc2.pdf", PDF, content_type="application/pdf")
    client.post("/portal/questionnaire/", {f"q{question.pk}": "soc2_type2", f"q{question.pk}-file": upload})
    return acme, acme_token, globex


def test_one_vendors_link_cannot_read_another_vendors_questionnaire(client, two_vendors):
    acme, acme_token, globex = two_vendors
    portal_client(client, acme_token)
    page = client.get("/portal/questionnaire/").content.decode()
    assert "Globex" not in page and "soc2.pdf" not in page
    assert "Acme" in page


def test_one_vendors_link_cannot_write_another_vendors_answers_by_question_or_answer_id(client, two_vendors):
    acme, acme_token, globex = two_vendors
    portal_client(client, acme_token)
    theirs = globex.answers.get(question__code="INC-01")
    before = list(globex.answers.values_list("id", "value"))
    client.post("/portal/questionnaire/", {f"q{theirs.question_id}": "no", f"q{theirs.pk}": "no"})
    assert list(globex.answers.values_list("id", "value")) == before


def test_one_vendors_link_cannot_remove_another_vendors_file_by_id(client, two_vendors):
    acme, acme_token, globex = two_vendors
    portal_client(client, acme_token)
    theirs = AnswerFile.objects.get(answer__questionnaire=globex)
    assert _dead(client.post(f"/portal/files/{theirs.pk}/remove/"))
    assert AnswerFile.objects.filter(pk=theirs.pk).exists()


def test_the_portal_needs_no_account_and_the_api_knows_nothing_of_the_link(client, sent):
    _, token = sent
    portal_client(client, token)
    assert client.get("/api/v1/questionnaires/").status_code in (401, 403)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.pdf", b"MZ\x90\x00\x03\x00\x00\x00", b"Evidence must be a PDF"),
        ("report.exe", PDF, b"name ends in .exe"),
    ],
)
def test_an_upload_of_a_forbidden_type_is_refused_and_nothing_is_saved(client, sent, name, content, message):
    questionnaire, token = sent
    portal_client(client, token)
    question = _question(questionnaire, "GOV-01")
    other = _question(questionnaire, "INC-01")
    response = client.post(
        "/portal/questionnaire/",
        {
            f"q{question.pk}": "soc2_type2",
            f"q{other.pk}": "yes",
            f"q{question.pk}-file": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 400 and message in response.content
    assert not AnswerFile.objects.exists()
    assert not questionnaire.answers.exclude(value=None).exists()  # one refused file: nothing saved


def test_an_upload_over_the_limit_is_refused(client, sent):
    questionnaire, token = sent
    portal_client(client, token)
    question = _question(questionnaire, "GOV-01")
    with override_settings(EVIDENCE_MAX_UPLOAD_BYTES=100):
        big = SimpleUploadedFile("big.pdf", PDF + b"0" * 200)
        response = client.post("/portal/questionnaire/", {f"q{question.pk}-file": big})
    assert response.status_code == 400 and b"at most 100 bytes" in response.content
    assert not AnswerFile.objects.exists()


def test_a_body_over_the_evidence_cap_is_refused_before_it_is_read(client, sent, settings):
    _, token = sent
    portal_client(client, token)
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES + settings.EVIDENCE_UPLOAD_FORM_MARGIN_BYTES
    response = client.generic(
        "POST",
        "/portal/questionnaire/",
        b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(limit + 1),
    )
    assert response.status_code == 413


def test_guessing_tokens_meets_a_rate_limit(client, sent, settings):
    settings.PORTAL_RATE_LIMIT = 5
    statuses = [client.get(f"/portal/{'C' * 40}{n:03d}/").status_code for n in range(7)]
    assert statuses[:5] == [404] * 5 and statuses[5:] == [429, 429]
    _, token = sent
    assert client.get(f"/portal/{token}/").status_code == 429  # even the right link, from that address, for a while


def test_the_one_time_code_is_asked_before_the_answers_are_shown(client, reviewer, vendor_and_contact):
    vendor, contact = vendor_and_contact
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        questionnaire = send(reviewer, vendor, contact, code_required=True)
    portal_client(client, link_token())
    assert client.get("/portal/questionnaire/")["Location"] == "/portal/code/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/portal/code/", {"send": "1"})
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    assert b"not right" in client.post("/portal/code/", {"code": wrong}).content
    assert client.post("/portal/code/", {"code": code})["Location"] == "/portal/questionnaire/"
    assert b"GOV-01" in client.get("/portal/questionnaire/").content
    # The code worked once: a second browser with the same link needs a new one.
    other = portal_client(Client(), link_token(mail.outbox[0]))
    assert other.post("/portal/code/", {"code": code}).status_code == 200
    assert other.get("/portal/questionnaire/")["Location"] == "/portal/code/"
    assert questionnaire.code_required


def test_a_code_is_void_after_too_many_wrong_tries(client, reviewer, vendor_and_contact, settings):
    from django.test import TestCase

    vendor, contact = vendor_and_contact
    with TestCase.captureOnCommitCallbacks(execute=True):
        send(reviewer, vendor, contact, code_required=True)
    portal_client(client, link_token())
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/portal/code/", {"send": "1"})
    code = sent_code()
    for _ in range(settings.PORTAL_CODE_ATTEMPTS):
        client.post("/portal/code/", {"code": "999999" if code != "999999" else "888888"})
    assert client.post("/portal/code/", {"code": code}).status_code == 200  # refused: ask for a new code
    assert client.get("/portal/questionnaire/")["Location"] == "/portal/code/"


def test_reminder_tasks_run_twice_send_once(reviewer, vendor_and_contact, django_capture_on_commit_callbacks):
    vendor, contact = vendor_and_contact
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire = send(reviewer, vendor, contact, days=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send()
        second = reminders_send()
    assert first == {"due_soon": 1, "overdue": 0} and second == {"due_soon": 0, "overdue": 0}
    assert [m.to for m in mail.outbox] == [[contact.email]]
    assert "/portal/" in mail.outbox[0].body
    later = timezone.localdate() + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=later) == {"due_soon": 0, "overdue": 1}
        assert reminders_send(today=later) == {"due_soon": 0, "overdue": 0}
    assert len(mail.outbox) == 2
    assert questionnaire.reminders.count() == 2


def test_the_reminder_task_is_declared_in_the_schedule():
    from apps.watch.schedule import PERIODIC_CHECKS

    assert "questionnaires.reminders_send" in {check.task for check in PERIODIC_CHECKS}


def test_answers_are_saved_only_for_the_links_own_sections(client, reviewer, sent, django_capture_on_commit_callbacks):
    questionnaire, token = sent
    portal_client(client, token)
    section = questionnaire.bank.sections.get(code="INC")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/portal/delegate/", {"email": "colleague@acme.example.com", "sections": [section.pk]})
    delegate = portal_client(Client(), link_token())
    page = delegate.get("/portal/questionnaire/").content
    assert b"INC-01" in page and b"GOV-01" not in page
    outside = _question(questionnaire, "GOV-01")
    inside = _question(questionnaire, "INC-01")
    delegate.post("/portal/questionnaire/", {f"q{outside.pk}": "soc2_type2", f"q{inside.pk}": "yes"})
    values = dict(Answer.objects.filter(questionnaire=questionnaire).values_list("question__code", "value"))
    assert values["INC-01"] == "yes" and values["GOV-01"] is None
    assert delegate.post("/portal/submit/").status_code == 409  # only the person it was sent to submits
