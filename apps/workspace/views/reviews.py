"""One page per review: its requirements, what blocks approval, and the allowed moves as buttons."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from apps.reviews.models import Review
from apps.reviews.services import SERVICES_BY_ACTION
from apps.reviews.workflow import TRANSITIONS, actions_from

from .. import selectors
from ..access import workspace_view
from ..forms import TransitionForm
from .common import Refused, call_service


def _render(request, review, *, refused_form=None, refused_action=None, status=200):
    moves = [
        {
            "action": action,
            "label": TRANSITIONS[action].label,
            "form": refused_form if action == refused_action else TransitionForm(prefix=action),
            "needs_conditions": action == "approve_with_conditions",
        }
        for action in actions_from(review.state)
    ]
    data = selectors.review_page_data(review=review)
    context = {
        "review": review,
        "moves": moves,
        "blockers": selectors.review_blockers(review=review, actor=request.user, baseline=data["baseline"]),
        "refused_action": refused_action,
        # A move no longer offered (the page was stale, or the review moved meanwhile): say why above the buttons.
        "stale_refusal": refused_form.non_field_errors()
        if refused_form and refused_action not in actions_from(review.state)
        else None,
        **data,
    }
    return render(request, "workspace/review.html", context, status=status)


def _review(pk):
    return get_object_or_404(Review.objects.select_related("vendor", "requested_by", "decided_by", "baseline"), pk=pk)


@workspace_view()
def review_page(request, pk):
    return _render(request, _review(pk))


@workspace_view(write=True)
def review_move(request, pk, action):
    if action not in TRANSITIONS:
        raise Http404("No such move.")
    review = _review(pk)
    form = TransitionForm(request.POST, prefix=action)
    form.is_valid()
    data = form.cleaned_data
    kwargs = {"review": review, "actor": request.user, "note": data.get("note", "")}
    if action == "approve_with_conditions":
        kwargs["conditions"] = data.get("conditions", "")
    try:
        call_service(form, lambda: SERVICES_BY_ACTION[action](**kwargs))
    except Refused as refused:
        return _render(request, _review(pk), refused_form=form, refused_action=action, status=refused.status)
    review.refresh_from_db()
    messages.success(request, f"Review #{review.pk} is now {review.get_state_display().lower()}.")
    return redirect("workspace:review", pk=review.pk)
