"""The "Record scope amendment" form of the admin: what changes, for scope_amend to check and record."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.datamap.models import DataCategory, DataFlow, System

from .choices import ExposureStatus


class ExposureChangeForm(forms.Form):
    """One category's new exposure status, citing a source of this incident."""

    category = forms.ModelChoiceField(DataCategory.objects.order_by("path"), to_field_name="code")
    status = forms.ChoiceField(choices=ExposureStatus.choices)
    source = forms.ModelChoiceField(queryset=None)
    override_reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = incident.sources.all()


ExposureChangeFormSet = forms.formset_factory(ExposureChangeForm, extra=3)


def _split(text):
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class ScopeAmendmentForm(forms.Form):
    reason = forms.CharField(label=_("why the scope changes"), widget=forms.Textarea(attrs={"rows": 3}))
    data_subjects_add = forms.CharField(
        label=_("data subjects to add"), required=False, help_text=_("Comma-separated, e.g. API users, admins.")
    )
    data_subjects_remove = forms.MultipleChoiceField(label=_("data subjects to remove"), required=False)
    systems_add = forms.ModelMultipleChoiceField(System.objects.none(), label=_("systems to add"), required=False)
    systems_remove = forms.ModelMultipleChoiceField(System.objects.none(), label=_("systems to remove"), required=False)
    flows_add = forms.ModelMultipleChoiceField(DataFlow.objects.none(), label=_("flows to add"), required=False)
    flows_remove = forms.ModelMultipleChoiceField(DataFlow.objects.none(), label=_("flows to remove"), required=False)

    def __init__(self, data=None, *, incident):
        super().__init__(data)
        self.incident = incident
        self.fields["data_subjects_remove"].choices = [(s, s) for s in incident.data_subjects]
        self.fields["systems_add"].queryset = System.objects.exclude(incidents=incident).order_by("slug")
        self.fields["systems_remove"].queryset = incident.affected_systems.order_by("slug")
        self.fields["flows_add"].queryset = DataFlow.objects.filter(vendor=incident.vendor).exclude(incidents=incident)
        self.fields["flows_remove"].queryset = incident.affected_flows.all()
        self.exposures = ExposureChangeFormSet(data, prefix="exposures", form_kwargs={"incident": incident})

    def is_valid(self):
        return all([super().is_valid(), self.exposures.is_valid()])

    def changes(self) -> dict:
        """The changes in scope_amend's shape; empty lists for what is left alone."""
        data = self.cleaned_data
        return {
            "exposures": [
                {key: row[key] for key in ("category", "status", "source", "override_reason")}
                for row in self.exposures.cleaned_data
                if row
            ],
            "data_subjects_add": _split(data["data_subjects_add"]),
            "data_subjects_remove": list(data["data_subjects_remove"]),
            "systems_add": list(data["systems_add"]),
            "systems_remove": list(data["systems_remove"]),
            "flows_add": list(data["flows_add"]),
            "flows_remove": list(data["flows_remove"]),
        }
