"""Demo step of the questionnaires app: our bank installed, and Mixpanel's questionnaire answered and submitted
through the real services, waiting for a reviewer. The answers meet some requirements (a SOC 2 Type II report,
a signed DPA) and miss others (breach notification within 72 hours; personal data reaching client-side analytics
without pseudonymisation), as the case in shared/cases/mixpanel.md shows.

Idempotent: nothing is done when Mixpanel already has a questionnaire.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from apps.vendors.models import Contact, Vendor
from apps.vendors.services import contact_create

from .models import PortalLink, Questionnaire
from .services import bank_install_standard, portal_answers_save, portal_submit, questionnaire_send

VENDOR = "mixpanel"
CONTACT_EMAIL = "security@mixpanel.example.com"
# What Mixpanel's contact answers, by question code; anything not listed is answered "yes" or the first choice.
ANSWERS = {
    "GOV-01": "soc2_type2",
    "GOV-02": "2026-03-31",
    "GOV-06": "Head of Security",
    "DPR-01": "yes",
    "DPR-03": "United States",
    "DPR-05": "730",
    "DPR-07": "no",
    "DPR-08": "no",
    "DPR-09": "no",
    "INC-01": "no",
    "INC-02": "no",
    "INC-04": "security@mixpanel.example.com",
    "INC-06": "yes",
    "IAM-01": ["sso", "mfa_other"],
    "SEC-04": "quarterly",
    "SUP-02": "30",
    "BCM-03": "yearly",
}
COMMENTS = {
    "INC-01": "We notify once our investigation has established the scope.",
    "INC-06": "Smishing campaign against an employee in November 2025; customers were told.",
}
DEFAULTS = {"date": "2025-09-15", "number": "0", "text": "See our trust centre.", "file": ""}
SOC2_PDF = b"%PDF-1.4\n% demo: Mixpanel SOC 2 Type II report (placeholder)\n%%EOF\n"


def _contact(vendor, reviewer):
    contact = Contact.objects.filter(vendor=vendor, email=CONTACT_EMAIL).first()
    return contact or contact_create(
        vendor=vendor, actor=reviewer, name="Mixpanel security team", email=CONTACT_EMAIL, is_security_contact=True
    )


def setup():
    from apps.reviews.demo import _demo_reviewer

    bank = bank_install_standard()
    vendor = Vendor.objects.filter(slug=VENDOR).first()
    if vendor is None or Questionnaire.objects.filter(vendor=vendor).exists():
        return
    reviewer = _demo_reviewer()
    questionnaire = questionnaire_send(
        vendor=vendor,
        contact=_contact(vendor, reviewer),
        bank=bank,
        due_on=timezone.localdate() + datetime.timedelta(days=21),
        code_required=True,
        actor=reviewer,
    )
    link = PortalLink.objects.filter(questionnaire=questionnaire).first()
    values, comments = {}, {}
    for answer in questionnaire.answers.select_related("question"):
        question = answer.question
        value = ANSWERS.get(question.code)
        if value is None:
            value = question.choices[0]["value"] if question.choices else DEFAULTS.get(question.answer_type, "yes")
        if question.answer_type == "multiple_choice" and not isinstance(value, list):
            value = [value]
        if question.answer_type == "file":
            value = ""
        values[question.pk] = value
        if question.code in COMMENTS:
            comments[question.pk] = COMMENTS[question.code]
    files = {
        a.question_id: ContentFile(SOC2_PDF, name="mixpanel-soc2-type2.pdf")
        for a in questionnaire.answers.filter(question__code__in=["GOV-01", "BCM-04"])
    }
    portal_answers_save(link=link, values=values, comments=comments, files=files)
    portal_submit(link=link)
