"""Procurement's pages: the list of their requests, the form (draft, check tier, submit) and a submitted request.

Thin doors: the rules live in forms (answers), services (writes) and selectors (who sees what).
"""

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.roles import PROCUREMENT, has_role, is_security_reviewer
from apps.core.exceptions import TransitionRefused

from .feedback import intake_feedback
from .forms import INTENT_CHECK, INTENT_DRAFT, INTENT_SUBMIT, INTENTS, VENDOR_FINDER_FIELDS, IntakeForm
from .models import IntakeRequest
from .selectors import (
    category_tree,
    intake_for_form_token,
    intake_get_for_requester,
    intake_list_for_requester,
    intake_review_of,
    vendor_search,
)
from .services import intake_draft_save, intake_submit


def procurement_required(view):
    """Signed-in buyers only: anyone else signed in gets 403, anonymous visitors go to the login page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_role(request.user, PROCUREMENT):
            if is_security_reviewer(request.user) and request.method == "GET":
                # A reviewer following a buyer's link (from an email, a chat) lands on the request's review.
                return redirect(reviewer_landing(kwargs.get("pk")))
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@procurement_required
def intake_list(request):
    return render(request, "intake/list.html", {"requests": intake_list_for_requester(user=request.user)})


@procurement_required
@require_http_methods(["GET", "POST"])
def intake_create(request):
    if request.method == "GET":
        return _render_form(request, IntakeForm(), intake=None, form_token=uuid.uuid4())
    form_token = _parse_token(request.POST.get("form_token"))
    already = intake_for_form_token(user=request.user, form_token=form_token) if form_token else None
    if already is not None:
        # The same blank form posted again (double click, back button): it acts on what the first POST saved.
        return _post_existing(request, already)
    return _post(request, IntakeRequest(), form_token=form_token)


@procurement_required
@require_http_methods(["GET", "POST"])
def intake_edit(request, pk):
    intake = _own_request(request, pk)
    if request.method == "POST":
        return _post_existing(request, intake)
    if not intake.is_editable:
        return render(request, "intake/detail.html", {"intake": intake})
    return _render_form(request, IntakeForm(instance=intake), intake=intake, feedback=_feedback_for(intake))


@procurement_required
@require_http_methods(["GET"])
def intake_vendor_search(request):
    """The vendor finder's suggestions: {"query": ..., "vendors": [names]} for `?q=`, at most 20."""
    query = request.GET.get("q", "")[:200]
    return JsonResponse({"query": query, "vendors": vendor_search(query)})


def reviewer_landing(pk):
    """Where a security reviewer reads an intake request: its review's page, else the request in the admin."""
    exists, review_id = intake_review_of(pk=pk) if pk else (False, None)
    if review_id:
        return reverse("workspace:review", args=[review_id])
    if exists:
        return reverse("admin:intake_intakerequest_change", args=[pk])
    return reverse("admin:intake_intakerequest_changelist")


def _own_request(request, pk):
    try:
        return intake_get_for_requester(user=request.user, pk=pk)
    except IntakeRequest.DoesNotExist as exc:
        # Another buyer's request is answered exactly like one that does not exist.
        raise Http404 from exc


def _parse_token(value):
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


def _post_existing(request, intake):
    if not intake.is_editable:
        messages.info(request, _("This request has been submitted and can no longer be edited."))
        return redirect("intake:edit", pk=intake.pk)
    return _post(request, intake)


def _post(request, intake, *, form_token=None):
    if request.POST.get("find_vendor") in VENDOR_FINDER_FIELDS:
        return _find_vendor(request, intake, form_token=form_token)
    intent = request.POST.get("intent")
    intent = intent if intent in INTENTS else INTENT_DRAFT
    form = IntakeForm(request.POST, instance=intake, intent=intent)
    if not form.is_valid():
        return _render_form(request, form, intake=intake if intake.pk else None, form_token=form_token)
    try:
        saved = intake_draft_save(requester=request.user, form=form, form_token=form_token)
    except TransitionRefused as exc:
        messages.info(request, str(exc))
        if exc.code == "duplicate_form" or not intake.pk:
            return redirect("intake:list")
        return redirect("intake:edit", pk=intake.pk)
    if intent == INTENT_DRAFT:
        messages.success(request, _("Draft saved. You can come back to it from your list of requests."))
        return redirect("intake:edit", pk=saved.pk)
    if intent == INTENT_CHECK:
        messages.success(request, _("Draft saved. The tier your answers imply is shown below."))
        return redirect(reverse("intake:edit", kwargs={"pk": saved.pk}) + "#tier-feedback")
    try:
        intake_submit(intake_request=saved, actor=request.user)
    except TransitionRefused as exc:
        messages.info(request, str(exc))
        return redirect("intake:edit", pk=saved.pk)
    except ValidationError as exc:
        form = IntakeForm(request.POST, instance=saved, intent=INTENT_SUBMIT)
        form.is_valid()
        form.add_error(None, exc)
        return _render_form(
            request,
            form,
            intake=saved,
        )
    messages.success(request, _("Request submitted. The security reviewers have been told."))
    return redirect("intake:list")


def _find_vendor(request, intake, *, form_token):
    """Without JavaScript, "Search the register" posts the form: show it again as typed, with the matches.

    Nothing is saved or checked: a search is not a draft, so the page shows no errors for half-filled answers.
    """
    field = request.POST["find_vendor"]
    form = IntakeForm(request.POST, instance=intake)
    form._errors, form.cleaned_data = ErrorDict(), {}
    found = {
        "field": field,
        "query": request.POST.get(field, ""),
        "vendors": vendor_search(request.POST.get(field, "")),
    }
    return _render_form(request, form, intake=intake if intake.pk else None, form_token=form_token, found=found)


def _feedback_for(intake):
    categories = list(intake.categories.all())
    if not (categories or intake.no_data or intake.mechanism):
        return None  # nothing answered yet that the tier depends on: a tier now would only mislead
    answers = {
        "categories": categories,
        "no_data": intake.no_data,
        "mechanism": intake.mechanism,
        "production_access": intake.production_access,
        "handles_secrets": intake.handles_secrets,
        "business_criticality": intake.business_criticality,
        "estimated_records": intake.estimated_records,
        "vendor_category": intake.existing_vendor.category if intake.existing_vendor else intake.vendor_category,
    }
    return intake_feedback(answers)


def _render_form(request, form, *, intake, feedback=None, form_token=None, status=200, found=None):
    selected = set(form["categories"].value() or []) if form.is_bound else None
    if selected is None:
        selected = {c.code for c in intake.categories.all()} if intake else set()
    context = {
        "form": form,
        "intake": intake,
        "feedback": feedback,
        "category_tree": category_tree(),
        "selected_categories": {str(code) for code in selected},
        # Suggestions come from the finder (vendor_search), never a list of every vendor: the page stays one size.
        "found": found,
        "action": reverse("intake:edit", kwargs={"pk": intake.pk}) if intake else reverse("intake:create"),
        "intents": {"draft": INTENT_DRAFT, "check": INTENT_CHECK, "submit": INTENT_SUBMIT},
        "form_token": form_token,
    }
    return render(request, "intake/form.html", context, status=status)
