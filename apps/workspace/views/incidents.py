"""One page per incident: a read view first (what of ours was exposed, who is affected, how late we were told,
what now), then editing in small focused forms, each one service call."""

from collections import defaultdict

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from apps.incidents.models import Incident
from apps.incidents.services import action_add, exposures_set_many, scope_amend, source_add, timeline_append
from apps.reports.builders import build_incident_report

from ..access import workspace_view
from ..forms import ActionForm, AmendmentForm, EventForm, ExposuresForm, SourceForm
from .common import Refused, call_service

EXPOSURE_ORDER = (
    ("exposed", "Exposed"),
    ("suspected", "Suspected"),
    ("unknown", "Unknown"),
    ("not_exposed", "Not exposed"),
)
FORMS = {
    "source": SourceForm,
    "exposures": ExposuresForm,
    "event": EventForm,
    "action": ActionForm,
    "amend": AmendmentForm,
}


def _build_form(name, incident, post=None):
    kwargs = {"prefix": name}
    if name in ("exposures", "event", "amend"):
        kwargs["incident"] = incident
    return FORMS[name](post, **kwargs)


def _render(request, incident, *, failed=None, status=200):
    report = build_incident_report(incident=incident)
    conflicts_by_source = defaultdict(list)
    for conflict in report["conflicts"]:
        conflicts_by_source[conflict["source"]["key"]].append(conflict)
    for source in report["sources"]:
        source["conflicts"] = conflicts_by_source.get(source["key"], [])
    forms = {name: _build_form(name, incident) for name in FORMS}
    if failed:
        forms[failed[0]] = failed[1]
    context = {
        "incident": incident,
        "report": report,
        "exposure": [(key, label, report["exposure"].get(key, [])) for key, label in EXPOSURE_ORDER],
        "sources_by_status": {
            key: list(dict.fromkeys(item["source"]["title"] for item in items if item.get("source")))
            for key, items in report["exposure"].items()
        },
        "forms": forms,
        "failed": failed[0] if failed else None,
        "reviews": list(incident.reviews.order_by("-created_at")),
        # Read here rather than from the report, which does not carry the owner.
        "actions": list(incident.actions.select_related("owner").order_by("due_on", "id")),
    }
    return render(request, "workspace/incident.html", context, status=status)


def _incident(pk):
    return get_object_or_404(Incident.objects.select_related("vendor"), pk=pk)


@workspace_view()
def incident_page(request, pk):
    return _render(request, _incident(pk))


@workspace_view()
def incident_by_slug(request, slug):
    return redirect("workspace:incident", pk=get_object_or_404(Incident, slug=slug).pk)


def _action(name, run, success):
    @workspace_view(write=True)
    def view(request, pk):
        incident = _incident(pk)
        form = _build_form(name, incident, post=request.POST)
        status = 400
        if form.is_valid():
            try:
                result = call_service(form, lambda: run(request.user, incident, form.cleaned_data))
            except Refused as refused:
                status = refused.status
            else:
                messages.success(request, success(result))
                return redirect("workspace:incident", pk=incident.pk)
        return _render(request, incident, failed=(name, form), status=status)

    view.__name__ = f"incident_{name}"
    return view


incident_add_source = _action(
    "source",
    lambda actor, incident, data: source_add(
        incident=incident, **{k: v for k, v in data.items() if v not in (None, "")}
    ),
    lambda source: f"Source “{source.title}” added.",
)
incident_set_exposures = _action(
    "exposures",
    lambda actor, incident, data: exposures_set_many(
        incident=incident,
        categories=data["categories"],
        status=data["status"],
        source=data["source"],
        override_reason=data["override_reason"],
    ),
    lambda exposures: f"{len(exposures)} exposure(s) recorded.",
)
incident_append_event = _action(
    "event",
    lambda actor, incident, data: timeline_append(
        incident=incident,
        kind=data["kind"],
        description=data["description"],
        occurred_at=data["occurred_at"],
        source=data["source"],
        recorded_by=actor,
    ),
    lambda event: "Event appended to the timeline.",
)
incident_add_action = _action(
    "action",
    lambda actor, incident, data: action_add(
        incident=incident,
        kind=data["kind"],
        description=data["description"],
        owner=data["owner"],
        due_on=data["due_on"],
    ),
    lambda action: "Response action added.",
)
incident_amend = _action(
    "amend",
    lambda actor, incident, data: scope_amend(
        incident=incident,
        reason=data["reason"],
        actor=actor,
        changes={
            "exposures": [
                {"category": category, "status": data["status"], "source": data["source"]}
                for category in data["categories"]
            ],
            "data_subjects_add": data["data_subjects_add"],
        },
    ),
    lambda amendment: f"Scope amendment version {amendment.version} recorded.",
)
