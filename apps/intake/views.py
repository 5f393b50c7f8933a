"""Procurement's pages: the list of their requests, the form (draft, check tier, submit) and a submitted request.

Thin doors: the rules live in forms (answers), services (writes) and selectors (who sees what).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.roles import PROCUREMENT, has_role
from apps.core.exceptions import TransitionRefused

from .feedback import intake_feedback
from .forms import INTENT_CHECK, INTENT_DRAFT, INTENT_SUBMIT, INTENTS, IntakeForm
from .models import IntakeRequest
from .selectors import category_tree, intake_get_for_requester, intake_list_for_requester, vendor_choices
from .services import intake_draft_save, intake_submit


def procurement_required(view):
    """Signed-in buyers only: anyone else signed in gets 403, anonymous visitors go to the login page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_role(request.user, PROCUREMENT):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@procurement_required
def intake_list(request):
    return render(request, "intake/list.html", {"requests": intake_list_for_requester(user=request.user)})


@procurement_required
@require_http_methods(["GET", "POST"])
def intake_create(request):
    if request.method == "POST":
        return _post(request, IntakeRequest())
    return _render_form(request, IntakeForm(), intake=None)


@procurement_required
@require_http_methods(["GET", "POST"])
def intake_edit(request, pk):
    intake = _own_request(request, pk)
    if not intake.is_editable:
        if request.method == "POST":
            messages.info(request, _("This request has been submitted and can no longer be edited."))
            return redirect("intake:edit", pk=intake.pk)
        return render(request, "intake/detail.html", {"intake": intake})
    if request.method == "POST":
        return _post(request, intake)
    return _render_form(request, IntakeForm(instance=intake), intake=intake, feedback=_feedback_for(intake))


def _own_request(request, pk):
    try:
        return intake_get_for_requester(user=request.user, pk=pk)
    except IntakeRequest.DoesNotExist as exc:
        # Another buyer's request is answered exactly like one that does not exist.
        raise Http404 from exc


def _post(request, intake):
    intent = request.POST.get("intent")
    intent = intent if intent in INTENTS else INTENT_DRAFT
    form = IntakeForm(request.POST, instance=intake, intent=intent)
    if not form.is_valid():
        return _render_form(
            request,
            form,
            intake=intake if intake.pk else None,
        )
    try:
        saved = intake_draft_save(requester=request.user, form=form)
    except TransitionRefused as exc:
        messages.info(request, str(exc))
        return redirect("intake:edit", pk=intake.pk)
    if intent == INTENT_DRAFT:
        messages.success(request, _("Draft saved. You can come back to it from your list of requests."))
        return redirect("intake:edit", pk=saved.pk)
    if intent == INTENT_CHECK:
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


def _feedback_for(intake):
    answers = {
        "categories": list(intake.categories.all()),
        "no_data": intake.no_data,
        "mechanism": intake.mechanism,
        "production_access": intake.production_access,
        "handles_secrets": intake.handles_secrets,
        "business_criticality": intake.business_criticality,
        "estimated_records": intake.estimated_records,
    }
    return intake_feedback(answers)


def _render_form(request, form, *, intake, feedback=None, status=200):
    selected = set(form["categories"].value() or []) if form.is_bound else None
    if selected is None:
        selected = {c.code for c in intake.categories.all()} if intake else set()
    context = {
        "form": form,
        "intake": intake,
        "feedback": feedback,
        "category_tree": category_tree(),
        "selected_categories": {str(code) for code in selected},
        "vendor_names": vendor_choices().values_list("display_name", flat=True),
        "action": reverse("intake:edit", kwargs={"pk": intake.pk}) if intake else reverse("intake:create"),
        "intents": {"draft": INTENT_DRAFT, "check": INTENT_CHECK, "submit": INTENT_SUBMIT},
    }
    return render(request, "intake/form.html", context, status=status)
