"""One page per vendor: everything the register knows about it, and the reviewer's actions on it."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from apps.register.incidents import incident_create
from apps.reports.builders import build_dataflow_report
from apps.reports.svg import dataflow_svg
from apps.reviews.services import exception_grant, offboarding_start, review_open
from apps.risk.services import vendor_requirements_mark_met
from apps.vendors.choices import VendorStatus
from apps.vendors.models import Vendor
from apps.vendors.services import document_create
from apps.vendors.workflow import vendor_status_change

from .. import selectors
from ..access import workspace_view
from ..forms import (
    ActivateForm,
    DocumentForm,
    ExceptionForm,
    MarkMetForm,
    OffboardingForm,
    OpenReviewForm,
    RecordIncidentForm,
)
from .common import Refused, call_service

# The page shows the first flows and systems; the data-flow report (linked) has them all.
FLOW_ROWS = 25
DIAGRAM_ROWS = 12

FORMS = {
    "mark_met": MarkMetForm,
    "exception": ExceptionForm,
    "open_review": OpenReviewForm,
    "offboard": OffboardingForm,
    "activate": ActivateForm,
    "incident": RecordIncidentForm,
    "document": DocumentForm,
}


def _build_form(name, vendor, data, post=None):
    kwargs = {"prefix": name}
    if name == "mark_met":
        kwargs.update(vendor=vendor, evidence_choices=data["evidence_choices"], requirements=data["requirements"])
    elif name == "incident":
        kwargs.update(vendor=vendor)
    elif name == "exception":
        kwargs.update(vendor=vendor, open_reviews=data["open_reviews"], requirements=data["requirements"])
    return FORMS[name](post, **kwargs)


def _render(request, vendor, *, data=None, failed=None, status=200):
    """The page; `failed` is (name, bound form with errors) when one of its forms was refused."""
    data = data or selectors.vendor_page_data(vendor=vendor)
    # Streamed, then read once: materialising the whole nested report for a 200-flow vendor cost more than the
    # page needs, which is every flow for the diagram's systems but only the first FLOW_ROWS for the table.
    report = build_dataflow_report(vendor=vendor, stream=True)
    flows = list(report["flows"])
    subprocessors = report["subprocessors"].resolve()
    forms = {name: _build_form(name, vendor, data) for name in FORMS}
    if failed:
        forms[failed[0]] = failed[1]
    context = {
        "vendor": vendor,
        "report": report,
        "flows": flows[:FLOW_ROWS],
        "flow_count": len(flows),
        "subprocessors": subprocessors,
        "diagram": dataflow_svg(
            vendor_name=vendor.display_name,
            flows=flows,
            subprocessors=subprocessors,
            max_rows=DIAGRAM_ROWS,
            more_href=reverse("reports:vendor-dataflow", args=[vendor.slug]),
        ),
        "forms": forms,
        "failed": failed[0] if failed else None,
        "can_activate": vendor.status == VendorStatus.ONBOARDING,
        "can_offboard": vendor.status not in (VendorStatus.OFFBOARDING, VendorStatus.TERMINATED),
        **data,
    }
    return render(request, "workspace/vendor.html", context, status=status)


@workspace_view()
def vendor_page(request, slug):
    return _render(request, get_object_or_404(Vendor, slug=slug))


def _back_to_vendor(vendor, result):
    return reverse("workspace:vendor", args=[vendor.slug])


def _action(name, run, success, next_url=_back_to_vendor):
    """The POST view of one of the page's forms: parse, call the service, then on to `next_url` (by default
    back to the page), or the page again with the errors."""

    @workspace_view(write=True)
    def view(request, slug):
        vendor = get_object_or_404(Vendor, slug=slug)
        data = selectors.vendor_page_data(vendor=vendor)
        form = _build_form(name, vendor, data, post=request.POST)
        status = 400
        if form.is_valid():
            try:
                result = call_service(form, lambda: run(request.user, vendor, form.cleaned_data))
            except Refused as refused:
                status = refused.status
            else:
                messages.success(request, success(result))
                return redirect(next_url(vendor, result))
        return _render(request, vendor, failed=(name, form), status=status)

    view.__name__ = f"vendor_{name}"
    return view


vendor_mark_met = _action(
    "mark_met",
    lambda actor, vendor, data: vendor_requirements_mark_met(
        vendor=vendor,
        vendor_requirements=data["vendor_requirements"],
        evidence=data["evidence"],
        note=data["note"],
        actor=actor,
    ),
    lambda statuses: f"{len(statuses)} requirement(s) marked met.",
)
vendor_grant_exception = _action(
    "exception",
    lambda actor, vendor, data: exception_grant(
        review=data["review"],
        vendor_requirement=data["vendor_requirement"],
        justification=data["justification"],
        expires_on=data["expires_on"],
        actor=actor,
    ),
    lambda exception: f"Exception granted until {exception.expires_on:%Y-%m-%d}.",
)
vendor_open_review = _action(
    "open_review",
    lambda actor, vendor, data: review_open(vendor=vendor, kind=data["kind"], requested_by=actor),
    lambda review: f"Review #{review.pk} opened as a draft.",
)
vendor_offboard = _action(
    "offboard",
    lambda actor, vendor, data: offboarding_start(vendor=vendor, actor=actor, reason=data["reason"]),
    lambda checklist: "Offboarding started: complete the checklist, then terminate.",
)
vendor_activate = _action(
    "activate",
    lambda actor, vendor, data: vendor_status_change(vendor=vendor, to_status=VendorStatus.ACTIVE, actor=actor),
    lambda vendor: f"{vendor.display_name} is active.",
)
vendor_record_incident = _action(
    "incident",
    lambda actor, vendor, data: incident_create(
        recorded_by=actor, vendor=vendor, **{key: value for key, value in data.items() if value not in (None, "")}
    ),
    lambda incident: f"Incident “{incident.title}” recorded.",
    next_url=lambda vendor, incident: reverse("workspace:incident", args=[incident.pk]),
)
vendor_add_document = _action(
    "document",
    lambda actor, vendor, data: document_create(
        vendor=vendor, actor=actor, **{key: value for key, value in data.items() if value not in (None, "")}
    ),
    lambda document: f"Document “{document.title}” added: it can now back a requirement.",
)
