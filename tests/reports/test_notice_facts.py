"""The notice says only what the record holds (issue 16): each sentence appears only with the fact behind it, and
a notice is a draft until a reviewer approves its exact text."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from apps.core.exceptions import TransitionRefused
from apps.reports.models import NoticeApproval
from apps.reports.notices import NoticeNotApproved, notice_text, render_notice
from apps.reports.services import notice_approve
from tests.factories.datamap import DataCategoryFactory
from tests.factories.incidents import IncidentExposureFactory, IncidentFactory, ResponseActionFactory

RECEIVED = datetime.datetime(2025, 11, 25, tzinfo=datetime.UTC)


@pytest.fixture
def incident(db):
    return IncidentFactory(vendor__display_name="Acme", vendor_detected_at=None, our_systems_breached=None)


def text(incident):
    return notice_text(incident=incident, lang="en")


def test_ours_not_breached_only_when_recorded(incident):
    assert "our own systems were not breached" not in text(incident)
    assert "Our own systems were also affected" not in text(incident)
    incident.our_systems_breached = False
    incident.save()
    assert "our own systems were not breached" in text(incident)
    incident.our_systems_breached = True
    incident.save()
    assert "Our own systems were also affected." in text(incident)


def test_never_says_a_service_provider_we_used(incident):
    assert "a service provider we used" not in text(incident)
    assert "Acme, one of our service providers" in text(incident)


def test_detection_date_only_when_recorded(incident):
    assert "On " not in text(incident).split("What happened")[1].split("\n\n")[1][:3]
    incident.vendor_detected_at = datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)
    incident.save()
    assert "On Nov. 9, 2025, Acme" in text(incident)


def test_data_set_sentences_only_once_received(incident):
    IncidentExposureFactory(incident=incident, category=DataCategoryFactory(code="email", path="contact/email/"))
    assert "sent us the affected data set" not in text(incident)
    assert "The affected data set contained:" not in text(incident)
    assert "According to the information we have, the following was involved:" in text(incident)
    incident.dataset_received_at = RECEIVED
    incident.save()
    assert "Acme sent us the affected data set." in text(incident)
    assert "The affected data set contained:" in text(incident)
    assert "we have reviewed it" not in text(incident)


def test_what_was_involved_and_what_to_do_only_when_something_was(incident):
    body = text(incident)
    for sentence in ("What information was involved", "What you should do", "information about your account"):
        assert sentence not in body
    IncidentExposureFactory(incident=incident, status="suspected")
    body = text(incident)
    assert "may have been included" in body
    assert "What you should do" in body
    assert "was included" not in body


def test_what_was_not_involved_only_with_negative_facts(incident):
    assert "What was not involved" not in text(incident)
    IncidentExposureFactory(incident=incident, status="not_exposed")
    assert "What was not involved" in text(incident)


def test_an_action_is_told_once_done(incident):
    action = ResponseActionFactory(incident=incident, kind="remove_from_production", done_at=None)
    assert "We removed Acme" not in text(incident)
    action.done_at = RECEIVED
    action.save()
    assert "We removed Acme from our production services." in text(incident)


def test_placeholders_are_never_left_unfilled(incident):
    for lang in ("en", "fr", "es"):
        assert "%(" not in notice_text(incident=incident, lang=lang)


# --- draft, approval, final


def test_a_notice_is_a_draft_until_approved(incident, reviewer):
    draft = render_notice(incident=incident, lang="fr")
    assert draft.startswith("*** BROUILLON")
    with pytest.raises(NoticeNotApproved) as refusal:
        render_notice(incident=incident, lang="fr", final=True)
    assert refusal.value.code == "notice_not_approved"
    approval = notice_approve(incident=incident, lang="fr", approver=reviewer)
    assert (approval.approved_by, approval.lang) == (reviewer, "fr")
    final = render_notice(incident=incident, lang="fr", final=True)
    assert "BROUILLON" not in final
    assert final == notice_text(incident=incident, lang="fr")
    # Approving one language approves only that one.
    with pytest.raises(NoticeNotApproved):
        render_notice(incident=incident, lang="en", final=True)


def test_approving_twice_keeps_the_first_approval(incident, reviewer, second_reviewer):
    first = notice_approve(incident=incident, lang="en", approver=reviewer)
    again = notice_approve(incident=incident, lang="en", approver=second_reviewer)
    assert again.pk == first.pk and again.approved_by == reviewer
    assert NoticeApproval.objects.count() == 1


def test_a_changed_record_needs_a_new_approval(incident, reviewer):
    notice_approve(incident=incident, lang="en", approver=reviewer)
    IncidentExposureFactory(incident=incident, status="exposed")
    with pytest.raises(NoticeNotApproved):
        render_notice(incident=incident, lang="en", final=True)


def test_only_a_reviewer_approves_and_a_bad_language_is_refused(incident, buyer, reviewer):
    from django.core.exceptions import ValidationError

    with pytest.raises(TransitionRefused):
        notice_approve(incident=incident, lang="en", approver=buyer)
    with pytest.raises(ValidationError) as error:
        notice_approve(incident=incident, lang="de", approver=reviewer)
    assert "lang" in error.value.message_dict
    assert not NoticeApproval.objects.exists()


def test_the_command_refuses_a_final_notice_until_approved(incident, reviewer, capsys):
    with pytest.raises(CommandError, match="not approved"):
        call_command("incident_notice", incident.slug, "--lang", "es", "--final")
    notice_approve(incident=incident, lang="es", approver=reviewer)
    call_command("incident_notice", incident.slug, "--lang", "es", "--final")
    assert "BORRADOR" not in capsys.readouterr().out


def test_api_approves_then_exports_the_final_notice(reviewer, dashboard_user, incident):
    from rest_framework.test import APIClient

    def api(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    url = f"/api/v1/incidents/{incident.pk}/notice/"
    refused = api(reviewer).get(url, {"lang": "en", "final": "true"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "notice_not_approved"
    assert api(dashboard_user).post(url + "approve/", {"lang": "en"}, format="json").status_code == 403
    bad = api(reviewer).post(url + "approve/", {"lang": "de"}, format="json")
    assert bad.status_code == 400 and "lang" in bad.json()
    approved = api(reviewer).post(url + "approve/", {"lang": "en"}, format="json")
    assert approved.status_code == 201
    assert approved.json()["approved_by"] == "reviewer"
    final = api(reviewer).get(url, {"lang": "en", "final": "true"})
    assert final.status_code == 200 and "DRAFT" not in final.content.decode()


def test_admin_action_approves_every_language(client, reviewer, incident):
    client.force_login(reviewer)
    page = client.get(f"/admin/reports/incidents/{incident.slug}/notice/", {"lang": "en", "final": "1"})
    assert page.status_code == 409
    response = client.post(
        "/admin/incidents/incident/", {"action": "approve_notices", "_selected_action": [incident.pk]}
    )
    assert response.status_code == 302
    assert set(NoticeApproval.objects.values_list("lang", flat=True)) == {"en", "fr", "es"}
    page = client.get(f"/admin/reports/incidents/{incident.slug}/notice/", {"lang": "en", "final": "1"})
    assert page.status_code == 200
