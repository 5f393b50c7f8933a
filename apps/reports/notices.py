"""The notice to affected users, drafted from the incident record in English, French or Spanish.

One builder for every language: each sentence is a gettext message (catalogues in locale/<lang>/LC_MESSAGES/
django.po), category names go through the same catalogue (context "data category"), and dates are formatted
by the language's own conventions. What the notice says follows the record: the categories exposed, suspected
and not exposed, the actions taken, and advice chosen by what was exposed. Free text typed by a reviewer
(summary, action descriptions) is not quoted, since it exists in one language only.

Issue 16: a sentence appears only when the fact behind it is recorded (our systems not breached, the data set
received, an action done, something involved); nothing is guessed. A notice is a draft, marked as one, until a
reviewer approves its exact text (apps.reports.services.notice_approve); only then can it be exported as final.
"""

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.core.exceptions import TransitionRefused
from apps.incidents.choices import ActionKind, ExposureStatus

from . import selectors

NOTICE_LANGUAGES = ("en", "fr", "es")
# Categories whose exposure makes phishing and social engineering the main risk to warn about.
PHISHING_PRONE_PREFIXES = ("identifying/", "contact/")


class UnknownLanguage(ValueError):
    """A notice language other than en, fr or es."""


def category_label(category):
    """A data category's name in the active language (its English name when the catalogue lacks it)."""
    return pgettext("data category", category.name)


def _date(value):
    return formats.date_format(value, "DATE_FORMAT") if value else None


def _bullets(categories):
    return "\n".join(f"  - {category_label(category)}" for category in categories)


def _what_happened(incident, *, involved):
    """Each sentence stands on a recorded fact: the detection date, whether our systems were breached, the data
    set received, whether information about the reader was involved. What is not recorded is not said."""
    vendor = incident.vendor.display_name
    lines = []
    if incident.vendor_detected_at:
        lines.append(
            _(
                "On %(date)s, %(vendor)s, one of our service providers, detected that an unauthorised party had gained "
                "access to part of its systems."
            )
            % {"date": _date(incident.vendor_detected_at), "vendor": vendor}
        )
    else:
        lines.append(
            _(
                "%(vendor)s, one of our service providers, found that an unauthorised party had gained access to part "
                "of its systems."
            )
            % {"vendor": vendor}
        )
    if incident.our_systems_breached is False:
        lines.append(
            _("The incident took place in %(vendor)s's systems: our own systems were not breached.")
            % {"vendor": vendor}
        )
    elif incident.our_systems_breached:
        lines.append(_("Our own systems were also affected."))
    if incident.dataset_received_at:
        lines.append(
            _("On %(date)s, %(vendor)s sent us the affected data set.")
            % {"date": _date(incident.dataset_received_at), "vendor": vendor}
        )
    if involved == "exposed":
        lines.append(_("We are writing to you because information about your account was included."))
    elif involved == "suspected":
        lines.append(_("We are writing to you because information about your account may have been included."))
    return " ".join(lines)


def _what_we_did(incident, actions):
    vendor = incident.vendor.display_name
    sentences = {
        ActionKind.REMOVE_FROM_PRODUCTION: _("We removed %(vendor)s from our production services."),
        ActionKind.REVOKE_ACCESS: _("We revoked %(vendor)s's access to our systems."),
        ActionKind.NOTIFY_USERS: _("We are informing the affected organisations, administrators and users directly."),
        ActionKind.NOTIFY_REGULATOR: _("We informed the competent data protection authority."),
        ActionKind.ROTATE_CREDENTIALS: _("We rotated the credentials that %(vendor)s could use."),
        ActionKind.EXPAND_VENDOR_REVIEWS: _(
            "We are extending our security reviews to all our service providers and raising the requirements "
            "they must meet."
        ),
    }
    done, seen = [], set()
    for action in actions:
        # "We removed…" states a fact: only an action recorded as done is told.
        if action.done_at and action.kind in sentences and action.kind not in seen:
            seen.add(action.kind)
            done.append(f"  - {sentences[action.kind] % {'vendor': vendor}}")
    return "\n".join(done)


def _what_you_should_do(by_status):
    involved = by_status[ExposureStatus.EXPOSED] + by_status[ExposureStatus.SUSPECTED]
    advice = []
    if any(category.path.startswith(PHISHING_PRONE_PREFIXES) for category in involved):
        advice.append(
            _(
                "Be wary of unexpected emails or messages, especially those with links or attachments: the "
                "information above could be used to make phishing attempts look genuine."
            )
        )
    advice.append(_("Check that any message claiming to come from us is sent from one of our official domains."))
    advice.append(_("We will never ask you for your password, API keys or verification codes by email, text or chat."))
    if any(category.is_secret for category in involved):
        advice.append(_("Change your password and replace your API keys now."))
    elif any(category.is_secret for category in by_status[ExposureStatus.NOT_EXPOSED]):
        advice.append(
            _(
                "Since no password, API key or session token was involved, you do not need to change them because "
                "of this incident."
            )
        )
    advice.append(_("Turn on multi-factor authentication for your account, if you have not already."))
    return "\n".join(f"  - {line}" for line in advice)


class NoticeNotApproved(TransitionRefused):
    """Raised by render_notice(final=True) when no reviewer approved this exact text (API: 409)."""

    def __init__(self, message):
        super().__init__(message, code="notice_not_approved")


def notice_text(*, incident, lang):
    """The notice as plain text in `lang`, without the draft mark: what a reviewer approves. Raises UnknownLanguage."""
    if lang not in NOTICE_LANGUAGES:
        raise UnknownLanguage(f"unknown language {lang!r}: choose one of {', '.join(NOTICE_LANGUAGES)}")
    data = selectors.notice_data(incident=incident)
    incident = data["incident"]
    by_status = {status: [] for status in ExposureStatus}
    for exposure in data["exposures"]:
        by_status[exposure.status].append(exposure.category)
    exposed, suspected = by_status[ExposureStatus.EXPOSED], by_status[ExposureStatus.SUSPECTED]
    involved = "exposed" if exposed else "suspected" if suspected else None
    with translation.override(lang):
        vendor = incident.vendor.display_name
        sections = [
            _("Subject: Security incident at %(vendor)s: what it means for you") % {"vendor": vendor},
            _("Hello,"),
            _("What happened"),
            _what_happened(incident, involved=involved),
        ]
        if exposed or suspected:
            sections.append(_("What information was involved"))
        if exposed:
            # "The data set" only once we hold it; before that, the vendor's account is all there is.
            intro = (
                _("The affected data set contained:")
                if incident.dataset_received_at
                else _("According to the information we have, the following was involved:")
            )
            sections.append(intro + "\n" + _bullets(exposed))
        if suspected:
            sections.append(
                _("We cannot yet rule out that the following was also involved:") + "\n" + _bullets(suspected)
            )
        if by_status[ExposureStatus.NOT_EXPOSED]:
            sections += [
                _("What was not involved"),
                _("The following were not involved:") + "\n" + _bullets(by_status[ExposureStatus.NOT_EXPOSED]),
            ]
        actions = _what_we_did(incident, data["actions"])
        if actions:
            sections += [_("What we did"), actions]
        if exposed or suspected:
            sections += [_("What you should do"), _what_you_should_do(by_status)]
        sections.append(
            _(
                "We are sorry for the concern this may cause. If you have any questions, please contact our "
                "support team."
            )
        )
    return "\n\n".join(sections) + "\n"


def draft_mark(lang):
    with translation.override(lang):
        return _("DRAFT: not approved by a reviewer. Do not send.")


def render_notice(*, incident, lang, final=False):
    """The notice in `lang`: marked as a draft, or (final=True) as approved.

    Raises UnknownLanguage; NoticeNotApproved when final and no reviewer approved this exact text (a record
    changed since the approval makes a new text).
    """
    from .models import NoticeApproval
    from .services import text_digest

    text = notice_text(incident=incident, lang=lang)
    if not final:
        mark = draft_mark(lang)
        return f"*** {mark} ***\n\n{text}\n*** {mark} ***\n"
    if not NoticeApproval.objects.filter(incident=incident, lang=lang, text_sha256=text_digest(text)).exists():
        raise NoticeNotApproved(
            f"The {lang} notice of {incident.slug} is not approved as it reads now: approve it first."
        )
    return text
