"""The intake form: format checks always, completeness checks only when the buyer submits.

A draft may be saved half-filled, but what is filled in must already be well-formed (a URL is a URL, records
are not negative), so that nothing saved can fail later for a reason the buyer was not shown.
"""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from apps.datamap.models import DataCategory, System
from apps.vendors.choices import Criticality, VendorStatus
from apps.vendors.models import Vendor

from .choices import VendorChoice
from .models import IntakeRequest
from .selectors import vendor_choices

# A contract start further back than this is not an intake but a vendor already in use: the register should
# learn of it through a review of the existing vendor. Further ahead than this is a guess, not a plan.
CONTRACT_START_MAX_PAST = datetime.timedelta(days=365)
CONTRACT_START_MAX_FUTURE = datetime.timedelta(days=2 * 365)

# The buyer's answers: every field a buyer may write (the page and the API accept exactly these).
ANSWER_FIELDS = (
    "vendor_choice",
    "existing_vendor_name",
    "vendor_name",
    "vendor_website",
    "vendor_country",
    "vendor_category",
    "service_name",
    "service_description",
    "business_owner",
    "business_criticality",
    "systems",
    "mechanism",
    "categories",
    "no_data",
    "data_subjects",
    "estimated_records",
    "production_access",
    "handles_secrets",
    "contract_value",
    "contract_starts_on",
    "replaces_vendor_name",
    "send_questionnaire",
    "questionnaire_contact_name",
    "questionnaire_contact_email",
)
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")

# What the buyer pressed. "check" re-renders the form with the tier it implies.
INTENT_DRAFT = "draft"
INTENT_CHECK = "check"
INTENT_SUBMIT = "submit"
INTENTS = (INTENT_DRAFT, INTENT_CHECK, INTENT_SUBMIT)
# The vendor-name fields with a finder: its "Search the register" button posts `find_vendor=<field name>`.
VENDOR_FINDER_FIELDS = ("existing_vendor_name", "replaces_vendor_name")

REQUIRED = _("This field is required to submit the request.")


def new_vendor_slug(name: str) -> str:
    return slugify(name)[:80]


def closed_vendor_message(vendor) -> str:
    """Why no new work can be requested from this vendor, or "" when it can (the form and the submit both ask)."""
    if vendor.status not in (VendorStatus.OFFBOARDING, VendorStatus.TERMINATED):
        return ""
    return _("%(name)s is %(status)s: no new service or data can be requested from it.") % {
        "name": vendor.display_name,
        "status": vendor.get_status_display().lower(),
    }


class IntakeForm(forms.ModelForm):
    """Every field is optional for a draft; `intent=INTENT_SUBMIT` adds the completeness rules."""

    existing_vendor_name = forms.CharField(
        label=_("Vendor name in the register"),
        required=False,
        max_length=200,
        help_text=_("Type part of the name, then pick it from the suggestions (or press “Search the register”)."),
        widget=forms.TextInput(attrs={"list": "existing_vendor_name-options", "autocomplete": "off"}),
    )
    replaces_vendor_name = forms.CharField(
        label=_("Vendor it replaces"),
        required=False,
        max_length=200,
        help_text=_("Leave empty if it replaces none."),
        widget=forms.TextInput(attrs={"list": "replaces_vendor_name-options", "autocomplete": "off"}),
    )
    systems = forms.ModelMultipleChoiceField(
        label=_("Systems it will touch"),
        queryset=System.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One planned data flow is recorded for each system."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Data it will receive"),
        queryset=DataCategory.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    vendor_website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", help_text=_("For example https://example.com")
    )
    vendor_country = forms.CharField(
        label=_("Country of its headquarters"),
        required=False,
        help_text=_("Two-letter code, for example US, FR or DE."),
        widget=forms.TextInput(attrs={"autocomplete": "country", "maxlength": "2", "class": "input--short"}),
    )
    estimated_records = forms.IntegerField(
        label=_("Estimated number of records"),
        required=False,
        min_value=0,
        help_text=_("Roughly how many people's or organisations' records it will hold. 0 if none."),
    )
    contract_value = forms.DecimalField(
        label=_("Estimated annual contract value (USD)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    contract_starts_on = forms.DateField(
        label=_("Contract start date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Within the last year or the next two years."),
    )

    class Meta:
        model = IntakeRequest
        fields = list(ANSWER_FIELDS)
        labels = {
            "vendor_choice": _("Is the vendor already in the register?"),
            "vendor_name": _("Vendor name"),
            "vendor_category": _("Kind of vendor"),
            "service_name": _("Service name"),
            "service_description": _("What the service does for us"),
            "business_owner": _("Business owner"),
            "business_criticality": _("How much would the business suffer if the service stopped?"),
            "mechanism": _("How it connects to our systems"),
            "no_data": _("It will receive none of our data"),
            "data_subjects": _("Whose data"),
            "production_access": _("Its staff or code will have access to our production systems"),
            "handles_secrets": _("It will store or see our passwords, keys or other secrets"),
            "send_questionnaire": _("Send our standard security questionnaire to the vendor when I submit"),
            "questionnaire_contact_name": _("Vendor contact's name"),
            "questionnaire_contact_email": _("Vendor contact's email"),
        }
        help_texts = {
            "vendor_name": _("The name people know it by. It must not match a vendor already in the register."),
            "service_name": _("A short name, for example “Web analytics”."),
            "service_description": _("In a sentence or two: what it does and why we need it."),
            "business_owner": _("The person accountable for this vendor in the business."),
            "data_subjects": _("For example: API users, organisations, employees. Separate with commas."),
            "no_data": _("Tick only if it receives no data about people or our business at all."),
        }
        widgets = {
            "vendor_choice": forms.RadioSelect,
            "mechanism": forms.RadioSelect,
            "business_criticality": forms.RadioSelect,
            "service_description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, intent=INTENT_DRAFT, **kwargs):
        super().__init__(*args, **kwargs)
        self.intent = intent
        self.fields["systems"].queryset = System.objects.order_by("name")
        self.fields["categories"].queryset = DataCategory.objects.all()
        self.fields["mechanism"].choices = [c for c in self.fields["mechanism"].choices if c[0]]
        self.fields["vendor_choice"].choices = [c for c in self.fields["vendor_choice"].choices if c[0]]
        self.fields["business_criticality"].choices = [c for c in self.fields["business_criticality"].choices if c[0]]
        for name in ("vendor_choice", "business_criticality", "vendor_category"):
            self.fields[name].required = False
        self.fields["vendor_category"].choices = [("", _("Choose one")), *self.fields["vendor_category"].choices[1:]]
        if self.instance.pk:
            if self.instance.existing_vendor_id:
                self.initial["existing_vendor_name"] = self.instance.existing_vendor.display_name
            if self.instance.replaces_vendor_id:
                self.initial["replaces_vendor_name"] = self.instance.replaces_vendor.display_name
        self._describe_widgets()

    # --- field rules that hold for drafts too

    def clean_vendor_choice(self):
        return self.cleaned_data["vendor_choice"] or VendorChoice.NEW

    def clean_business_criticality(self):
        return self.cleaned_data["business_criticality"] or Criticality.MEDIUM

    def clean_vendor_country(self):
        country = self.cleaned_data["vendor_country"].strip().upper()
        if country and not COUNTRY_CODE.match(country):
            raise forms.ValidationError(_("Enter a two-letter country code, for example US."))
        return country

    def clean_contract_starts_on(self):
        starts_on = self.cleaned_data["contract_starts_on"]
        if starts_on is None:
            return None
        today = timezone.localdate()
        if starts_on < today - CONTRACT_START_MAX_PAST:
            raise forms.ValidationError(
                _("The contract cannot start more than a year ago. A vendor already in use needs a review instead.")
            )
        if starts_on > today + CONTRACT_START_MAX_FUTURE:
            raise forms.ValidationError(_("The contract cannot start more than two years from now."))
        return starts_on

    def _vendor_by_name(self, field_name, *, refuse_closed=False):
        name = self.cleaned_data.get(field_name, "").strip()
        if not name:
            return None
        vendors = Vendor.objects.all() if refuse_closed else vendor_choices()
        vendor = vendors.filter(display_name__iexact=name).first()
        if vendor is None:
            self.add_error(field_name, _("No vendor called “%(name)s” is in the register.") % {"name": name})
        elif refuse_closed and closed_vendor_message(vendor):
            self.add_error(field_name, closed_vendor_message(vendor))
        return vendor

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("vendor_choice")
        self.existing_vendor = (
            self._vendor_by_name("existing_vendor_name", refuse_closed=True)
            if choice == VendorChoice.EXISTING
            else None
        )
        self.replaces_vendor = self._vendor_by_name("replaces_vendor_name")
        if choice == VendorChoice.NEW and cleaned.get("vendor_name"):
            self._check_new_vendor_name(cleaned["vendor_name"])
        if self.replaces_vendor and self.existing_vendor and self.replaces_vendor.pk == self.existing_vendor.pk:
            self.add_error("replaces_vendor_name", _("A vendor cannot replace itself."))
        if cleaned.get("no_data") and cleaned.get("categories"):
            self.add_error(
                "no_data", _("You ticked “none of our data” and also chose data categories. Untick one of them.")
            )
        if cleaned.get("send_questionnaire") and not cleaned.get("questionnaire_contact_email"):
            self.add_error(
                "questionnaire_contact_email", _("Give the address the questionnaire should go to, or untick it.")
            )
        if self.intent == INTENT_SUBMIT:
            self._check_complete(cleaned)
        return cleaned

    def _check_new_vendor_name(self, name):
        slug = new_vendor_slug(name)
        if not slug:
            self.add_error("vendor_name", _("The name needs at least one letter or digit."))
            return
        clash = Vendor.objects.filter(slug=slug).only("display_name").first()
        if clash is not None:
            self.add_error(
                "vendor_name",
                _(
                    "“%(clash)s” is already in the register under the identifier “%(slug)s”. "
                    "Choose it as an existing vendor, or use a more specific name."
                )
                % {"clash": clash.display_name, "slug": slug},
            )

    def _check_complete(self, cleaned):
        required = ["service_name", "service_description", "business_owner", "mechanism", "contract_starts_on"]
        if cleaned.get("vendor_choice") == VendorChoice.EXISTING:
            required.append("existing_vendor_name")
        else:
            required += ["vendor_name", "vendor_website", "vendor_country", "vendor_category"]
        if not cleaned.get("no_data"):
            required += ["data_subjects", "estimated_records"]
        for name in required:
            if name not in self.errors and cleaned.get(name) in (None, ""):
                self.add_error(name, REQUIRED)
        if "systems" not in self.errors and not cleaned.get("systems"):
            self.add_error("systems", _("Choose at least one system it will touch."))
        if not cleaned.get("no_data") and not cleaned.get("categories") and "no_data" not in self.errors:
            self.add_error(
                "categories", _("Choose at least one kind of data it will receive, or tick “none of our data”.")
            )

    def save(self, commit=True):
        self.instance.existing_vendor = self.existing_vendor
        self.instance.replaces_vendor = self.replaces_vendor
        return super().save(commit=commit)

    # --- accessibility: every input points at its help and its error

    def full_clean(self):
        super().full_clean()
        self._describe_widgets()

    def _describe_widgets(self):
        # Read _errors, not errors: this also runs from __init__, before validation, for the help texts.
        errors = self._errors or {}
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            described_by = [f"{auto_id}_help"] if field.help_text else []
            if name in errors:
                described_by.append(f"{auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)

    def error_anchors(self):
        """(anchor id, label, message) for the summary at the top, in the order fields appear on the page."""
        anchors = []
        for name in self.fields:
            if name not in self.errors:
                continue
            bound = self[name]
            multiple = isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            anchor = f"{bound.auto_id}_0" if multiple else bound.auto_id
            if name == "categories":
                anchor = "categories-group"
            for message in self.errors[name]:
                anchors.append((anchor, bound.label, message))
        for message in self.non_field_errors():
            anchors.append(("intake-form", _("Request"), message))
        return anchors
