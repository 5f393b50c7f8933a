"""The vendor portal: plain Django pages, no JavaScript needed, no account.

The emailed link /portal/<token>/ is looked up by the token's SHA-256 digest; a usable link is remembered in the
session (a fresh session key) and the browser is sent on to /portal/questionnaire/, so the token leaves the
address bar and never travels in a Referer. Every later page finds the questionnaire through the session's link
only: ids in a URL or form (a file, a question) are checked against that questionnaire, so one vendor's link
cannot reach another's. Unknown, expired and revoked links all get the same page, which says nothing.
"""

import logging
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.accounts.client_address import client_address
from apps.core.admin import refusal_text
from apps.core.exceptions import TransitionRefused

from . import selectors, services
from .choices import AnswerReview, AnswerType, QuestionnaireState
from .models import PortalLink
from .workflow import VENDOR_EDITABLE_STATES

security_log = logging.getLogger("vendorrisk.security")
SESSION_LINK = "portal_link"
SESSION_CODE_OK = "portal_code_ok"


def _portal_headers(response):
    # Never a Referer to another site; same-origin (not no-referrer), or browsers send "Origin: null" with the
    # forms and CSRF refuses them. The token itself is never in a page's address (see open_link).
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _dead_end(request, status=404):
    """The one answer to every link that does not work: nothing about whether it ever existed."""
    return _portal_headers(render(request, "portal/unavailable.html", status=status))


def _rate_limited(request, bucket):
    key = f"portal:rate:{bucket}:{client_address(request)}"
    cache.add(key, 0, timeout=settings.PORTAL_RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.PORTAL_RATE_WINDOW_SECONDS)
        count = 1
    return count > settings.PORTAL_RATE_LIMIT


def _session_link(request):
    link_id = request.session.get(SESSION_LINK)
    if not link_id:
        return None
    link = PortalLink.objects.select_related("questionnaire__vendor", "questionnaire__bank").filter(pk=link_id).first()
    if (
        link is None
        or not link.is_usable()
        or link.questionnaire.state
        in (
            QuestionnaireState.ACCEPTED,
            QuestionnaireState.CANCELLED,
        )
    ):
        request.session.pop(SESSION_LINK, None)
        return None
    return link


def with_link(view):
    """The view runs with the session's usable link, after the one-time code where the questionnaire needs it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        link = _session_link(request)
        if link is None:
            return _dead_end(request)
        if link.questionnaire.code_required and request.session.get(SESSION_CODE_OK) != link.pk:
            return redirect("portal:code")
        return _portal_headers(view(request, link, *args, **kwargs))

    return never_cache(wrapper)


@never_cache
def home(request):
    link = _session_link(request)
    return redirect("portal:questionnaire") if link else _dead_end(request)


@never_cache
def open_link(request, token):
    if _rate_limited(request, "open"):
        return _dead_end(request, status=429)
    link = services.portal_link_find(token=token)
    if link is None:
        security_log.info("portal.link_refused address=%s", client_address(request))
        return _dead_end(request)
    if request.session.get(SESSION_LINK) != link.pk:
        # Another link (or none) before: a fresh session, and the code is asked again.
        request.session.cycle_key()
        request.session.pop(SESSION_CODE_OK, None)
    request.session[SESSION_LINK] = link.pk
    if link.questionnaire.code_required and request.session.get(SESSION_CODE_OK) != link.pk:
        return redirect("portal:code")
    return redirect("portal:questionnaire")


@never_cache
def code(request):
    link = _session_link(request)
    if link is None:
        return _dead_end(request)
    if not link.questionnaire.code_required or request.session.get(SESSION_CODE_OK) == link.pk:
        return redirect("portal:questionnaire")
    error, sent = "", False
    if request.method == "POST":
        if _rate_limited(request, "code"):
            return _dead_end(request, status=429)
        if "send" in request.POST:
            services.portal_code_send(link=link)
            sent = True
        elif services.portal_code_check(link=link, code=request.POST.get("code", "")):
            request.session.cycle_key()
            request.session[SESSION_CODE_OK] = link.pk
            return redirect("portal:questionnaire")
        else:
            error = "That code is not right, or it has expired. Ask for a new one."
    context = {"email": _masked(link.email), "error": error, "sent": sent, "vendor": link.questionnaire.vendor}
    return _portal_headers(render(request, "portal/code.html", context))


def _masked(email):
    name, _, domain = email.partition("@")
    return f"{name[:1]}{'•' * max(1, len(name) - 1)}@{domain}"


def _form_values(request, answers):
    values, comments, files = {}, {}, {}
    for answer in answers:
        qid, field = answer.question_id, f"q{answer.question_id}"
        if answer.question.answer_type == AnswerType.MULTIPLE_CHOICE:
            if f"{field}-present" in request.POST:
                values[qid] = request.POST.getlist(field)
        elif field in request.POST:
            values[qid] = request.POST.get(field)
        if f"{field}-comment" in request.POST:
            comments[qid] = request.POST.get(f"{field}-comment")
        if f"{field}-file" in request.FILES:
            files[qid] = request.FILES[f"{field}-file"]
    return values, comments, files


def answer_display(answer):
    """An answer as words, for read-only pages."""
    if not answer.is_answered:
        return "Not answered"
    labels = {"yes": "Yes", "no": "No", "na": "Not applicable"}
    labels.update({str(c["value"]): c["label"] for c in answer.question.choices})
    values = answer.value if isinstance(answer.value, list) else [answer.value]
    return ", ".join(labels.get(str(v), str(v)) for v in values)


def _page(request, link, *, errors=None, status=200, message=""):
    questionnaire = link.questionnaire
    answers = list(
        services._portal_answers(link)
        .prefetch_related("files")
        .order_by("question__section__position", "question__position", "question_id")
    )
    editable_states = questionnaire.state in VENDOR_EDITABLE_STATES
    sections = {}
    for answer in answers:
        answer.editable = editable_states and (
            questionnaire.state != QuestionnaireState.RETURNED or answer.review == AnswerReview.FOLLOW_UP
        )
        answer.error = (errors or {}).get(f"q{answer.question_id}")
        answer.text = answer.question.text_in()
        answer.help = answer.question.help_text_in()
        answer.display = answer_display(answer)
        sections.setdefault(answer.question.section, []).append(answer)
    answered, total = selectors.progress(answers=answers)
    context = {
        "link": link,
        "questionnaire": questionnaire,
        "vendor": questionnaire.vendor,
        "sections": [(section, section.title_in(), rows) for section, rows in sections.items()],
        "answered": answered,
        "total": total,
        "editable": editable_states and any(a.editable for a in answers),
        "can_submit": editable_states and not link.is_delegate,
        "can_delegate": editable_states and not link.is_delegate,
        "all_sections": questionnaire.bank.sections.all(),
        "errors": errors,
        "message": message,
        "max_upload_mb": settings.EVIDENCE_MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "portal/questionnaire.html", context, status=status)


@with_link
def questionnaire(request, link):
    if request.method != "POST":
        return _page(request, link, message=request.session.pop("portal_message", ""))
    answers = list(services._portal_answers(link))
    values, comments, files = _form_values(request, answers)
    try:
        services.portal_answers_save(link=link, values=values, comments=comments, files=files)
    except ValidationError as error:
        return _page(request, link, errors=error.message_dict, status=400)
    except TransitionRefused as refusal:
        return _page(request, link, errors={"__all__": [str(refusal)]}, status=409)
    request.session["portal_message"] = "Your answers are saved. You can come back to this page at any time."
    return redirect("portal:questionnaire")


@require_POST
@with_link
def file_remove(request, link, file_id):
    try:
        services.portal_file_remove(link=link, file_id=file_id)
    except ValidationError:
        return _dead_end(request)
    request.session["portal_message"] = "The file is removed."
    return redirect("portal:questionnaire")


@require_POST
@with_link
def delegate(request, link):
    try:
        services.portal_delegate(
            link=link, email=request.POST.get("email", "").strip(), section_ids=request.POST.getlist("sections")
        )
    except (ValidationError, TransitionRefused) as error:
        return _page(request, link, errors={"delegate": [refusal_text(error)]}, status=400)
    request.session["portal_message"] = "Your colleague will receive a link to the sections you chose."
    return redirect("portal:questionnaire")


@require_POST
@with_link
def submit(request, link):
    try:
        services.portal_submit(link=link)
    except TransitionRefused as refusal:
        return _page(request, link, errors={"__all__": [str(refusal)]}, status=409)
    request.session["portal_message"] = "Thank you: your answers are submitted. This page is now read-only."
    return redirect("portal:questionnaire")


@require_POST
def leave(request):
    request.session.flush()
    return _portal_headers(render(request, "portal/left.html"))
