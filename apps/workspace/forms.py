"""Focused forms of the workspace. Each one collects the arguments of one service call; choices are scoped to
the page's vendor or incident, so a reviewer is never offered another vendor's evidence or another incident's
source. Validation of the rules stays in the services; these only parse."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.accounts.roles import SECURITY_REVIEWER
from apps.datamap.choices import Mechanism
from apps.datamap.models import DataCategory, DataFlow
from apps.incidents.choices import ActionKind, ExposureStatus, Reliability, Severity, SourceKind, TimelineEventKind
from apps.reviews.choices import ReviewKind
from apps.reviews.models import Review
from apps.risk.choices import RequirementStatus
from apps.risk.models import VendorRequirement
from apps.vendors.choices import DocumentKind
from apps.vendors.models import Document

from .widgets import use_fast_selects


class WorkspaceForm(forms.Form):
    """Marks every model picker (a select of vendors' documents, categories, sources, owners…) for
    workspace/picker.js, which lists its options as soon as it is focused; the select still works without it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_fast_selects(self)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and isinstance(field.widget, forms.Select):
                field.widget.attrs["data-picker"] = ""


def _source_label(source):
    return f"{source.title} (reliability: {source.get_reliability_display().lower()})"


def _requirement_label(status):
    return f"{status.requirement.code}: {status.requirement.title}"


class PreloadedChoices(forms.models.ModelChoiceIterator):
    """A model picker's options from objects already read (`field.preloaded`, in the order its queryset would
    give them), so that drawing the form reads nothing more: the page has read the vendor's requirements, open
    reviews and documents once, and each picker iterating its queryset again (twice for a required select, whose
    first option decides the `required` attribute) was a third of the vendor page's queries. The queryset still
    decides what a POST may choose. Without `preloaded`, the stock behaviour."""

    def _objects(self):
        return getattr(self.field, "preloaded", None)

    def __iter__(self):
        objects = self._objects()
        if objects is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in objects:
            yield self.choice(obj)

    def __len__(self):
        objects = self._objects()
        if objects is None:
            return super().__len__()
        return len(objects) + (self.field.empty_label is not None)

    def __bool__(self):
        objects = self._objects()
        if objects is None:
            return super().__bool__()
        return self.field.empty_label is not None or len(objects) > 0


def _preload(field, queryset, objects):
    """`field` offers `objects` (what `queryset` holds, already read) and accepts what `queryset` holds."""
    field.iterator = PreloadedChoices
    field.preloaded = objects
    field.queryset = queryset  # after `iterator`: setting it hands the widget its choices


class RequirementChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _requirement_label(obj)


class MarkMetForm(WorkspaceForm):
    vendor_requirements = RequirementChoice(
        queryset=VendorRequirement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Requirements to mark met",
    )
    evidence = forms.ModelChoiceField(
        queryset=None, label="Evidence (this vendor's unexpired documents)", empty_label="Choose a document"
    )
    note = forms.CharField(required=False, label="Note", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, vendor, evidence_choices, requirements=None, **kwargs):
        """`requirements`: every status of the vendor in requirement-code order, when the page has read them."""
        super().__init__(*args, **kwargs)
        _preload(self.fields["vendor_requirements"], _unmet_requirements(vendor), _unmet_statuses(requirements))
        # The documents' own order (their model's), as the picker's queryset would give it.
        _preload(
            self.fields["evidence"],
            Document.objects.filter(pk__in=[doc.pk for doc in evidence_choices]),
            list(evidence_choices),
        )


def _unmet_requirements(vendor):
    return (
        VendorRequirement.objects.filter(vendor=vendor)
        .exclude(status=RequirementStatus.MET)
        .select_related("requirement")
        .order_by("requirement__code")
    )


def _unmet_statuses(requirements):
    """The statuses _unmet_requirements would read, from the page's list of every status (in code order)."""
    if requirements is None:
        return None
    return [status for status in requirements if status.status != RequirementStatus.MET]


class ExceptionForm(WorkspaceForm):
    review = forms.ModelChoiceField(queryset=None, label="Review the exception is granted on", empty_label=None)
    vendor_requirement = forms.ModelChoiceField(queryset=None, label="Requirement", empty_label="Choose a requirement")
    justification = forms.CharField(label="Why the gap is acceptable", widget=forms.Textarea(attrs={"rows": 3}))
    expires_on = forms.DateField(label="Expires on (YYYY-MM-DD)", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, vendor, open_reviews, requirements=None, **kwargs):
        """`open_reviews` newest first (the reviews' own order); `requirements` as for MarkMetForm."""
        super().__init__(*args, **kwargs)
        _preload(self.fields["review"], Review.objects.filter(pk__in=[r.pk for r in open_reviews]), list(open_reviews))
        _preload(self.fields["vendor_requirement"], _unmet_requirements(vendor), _unmet_statuses(requirements))
        self.fields["vendor_requirement"].label_from_instance = _requirement_label
        if not self.is_bound:
            self.initial.setdefault("expires_on", timezone.localdate() + datetime.timedelta(days=90))


class OpenReviewForm(WorkspaceForm):
    kind = forms.ChoiceField(
        choices=[(k, label) for k, label in ReviewKind.choices if k != ReviewKind.INCIDENT], label="Kind of review"
    )


class OffboardingForm(WorkspaceForm):
    reason = forms.CharField(
        label="Why the vendor is leaving", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransitionForm(WorkspaceForm):
    note = forms.CharField(required=False, label="Note for the record", widget=forms.Textarea(attrs={"rows": 2}))
    conditions = forms.CharField(required=False, label="Conditions", widget=forms.Textarea(attrs={"rows": 2}))


class SourceForm(WorkspaceForm):
    kind = forms.ChoiceField(choices=SourceKind.choices, label="Kind of source")
    title = forms.CharField(max_length=300, label="Title")
    reliability = forms.TypedChoiceField(coerce=int, choices=Reliability.choices, label="Reliability")
    publisher = forms.CharField(required=False, label="Publisher")
    url = forms.URLField(required=False, label="URL", assume_scheme="https")
    published_on = forms.DateField(required=False, label="Published on", widget=forms.DateInput(attrs={"type": "date"}))


class ExposuresForm(WorkspaceForm):
    """One status for several categories at once, backed by one source of this incident."""

    categories = forms.ModelMultipleChoiceField(
        queryset=None, label="Data categories", widget=forms.SelectMultiple(attrs={"size": 10})
    )
    status = forms.ChoiceField(choices=ExposureStatus.choices, label="What happened to them")
    source = forms.ModelChoiceField(queryset=None, label="According to", empty_label="Choose a source")
    override_reason = forms.CharField(
        required=False, label="Reason, if the data map says the vendor never received a category"
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = DataCategory.objects.order_by("path")
        self.fields["source"].queryset = incident.sources.order_by("-reliability", "key")
        self.fields["source"].label_from_instance = _source_label


class EventForm(WorkspaceForm):
    kind = forms.ChoiceField(choices=TimelineEventKind.choices, label="Kind of event")
    occurred_at = forms.DateTimeField(required=False, label="When (YYYY-MM-DD HH:MM, UTC)")
    description = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.ModelChoiceField(queryset=None, required=False, label="According to", empty_label="No source")

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = incident.sources.order_by("-reliability", "key")
        self.fields["source"].label_from_instance = _source_label


class ActionForm(WorkspaceForm):
    kind = forms.ChoiceField(choices=ActionKind.choices, label="Kind of action")
    description = forms.CharField(label="What must be done", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(queryset=None, required=False, label="Owner", empty_label="Nobody yet")
    due_on = forms.DateField(required=False, label="Due on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True)
        self.fields["owner"].queryset = users.filter(groups__name=SECURITY_REVIEWER).order_by("username")


class ActivateForm(WorkspaceForm):
    """No fields: the gate (an approved review for the current tier and baseline) is the service's to check."""


class LinesField(forms.CharField):
    """A list typed one item per line or separated by commas: what people type, not JSON."""

    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value):
        text = super().to_python(value) or ""
        items = [item.strip() for line in text.splitlines() for item in line.split(",")]
        return list(dict.fromkeys(item for item in items if item))


class AmendmentForm(WorkspaceForm):
    """A scope change after first disclosure: kept as a new version next to every earlier one."""

    reason = forms.CharField(label="Why the scope changes", widget=forms.Textarea(attrs={"rows": 2}))
    categories = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Data categories", widget=forms.SelectMultiple(attrs={"size": 8})
    )
    status = forms.ChoiceField(choices=ExposureStatus.choices, label="Their new status")
    source = forms.ModelChoiceField(queryset=None, required=False, label="According to", empty_label="No source")
    data_subjects_add = LinesField(required=False, label="Data subjects to add (one per line or comma-separated)")

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = DataCategory.objects.order_by("path")
        self.fields["source"].queryset = incident.sources.order_by("-reliability", "key")
        self.fields["source"].label_from_instance = _source_label


class RecordIncidentForm(WorkspaceForm):
    """A breach at this vendor, in the few facts known on day one; the rest is added on the incident's page."""

    title = forms.CharField(max_length=200, label="Title")
    severity = forms.ChoiceField(choices=Severity.choices, label="Severity")
    summary = forms.CharField(required=False, label="Summary", widget=forms.Textarea(attrs={"rows": 2}))
    vendor_detected_at = forms.DateTimeField(required=False, label="Vendor detected it (YYYY-MM-DD HH:MM, UTC)")
    vendor_notified_at = forms.DateTimeField(required=False, label="Vendor told us (YYYY-MM-DD HH:MM, UTC)")
    affected_flows = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Affected data flows", widget=forms.CheckboxSelectMultiple
    )
    data_subjects = LinesField(required=False, label="Data subjects (one per line or comma-separated)")

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the labels read, and the mechanism's label from a dict: get_mechanism_display() per option
        # was half of this form's time for a 200-flow vendor.
        flows = (
            DataFlow.objects.filter(vendor=vendor)
            .select_related("system")
            .only("pk", "code", "mechanism", "vendor_id", "system__name")
            .order_by("code")
        )
        mechanisms = {value: str(label) for value, label in Mechanism.choices}
        # Offered from the queryset itself, read once as a list: a picker iterates with .iterator(), which on
        # PostgreSQL is a server-side cursor (DECLARE, FETCH, CLOSE) for a few hundred rows.
        _preload(self.fields["affected_flows"], flows, flows.all())
        self.fields["affected_flows"].label_from_instance = lambda flow: (
            f"{flow.system.name} ({mechanisms.get(flow.mechanism, flow.mechanism)})"
        )


class DocumentForm(WorkspaceForm):
    """Evidence received from the vendor (the file itself is uploaded in the admin, behind the upload limits)."""

    kind = forms.ChoiceField(choices=DocumentKind.choices, label="Kind of document")
    title = forms.CharField(max_length=200, label="Title")
    issued_on = forms.DateField(required=False, label="Issued on", widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(required=False, label="Expires on", widget=forms.DateInput(attrs={"type": "date"}))
