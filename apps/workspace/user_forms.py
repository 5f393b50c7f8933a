"""Forms of the user-management pages. They only parse; the rules (last administrator, own account, who may
hold a token) are the services' (apps.accounts.services)."""

from django import forms
from django.conf import settings

from apps.accounts.roles import ADMINISTRATOR, DASHBOARD, PROCUREMENT, SECURITY_REVIEWER
from apps.accounts.services import MAX_TOKEN_DAYS

ROLE_CHOICES = (
    (SECURITY_REVIEWER, "Security reviewer: reads and changes the register"),
    (DASHBOARD, "Dashboard: reads the register"),
    (PROCUREMENT, "Procurement: submits intake requests"),
    (ADMINISTRATOR, "Administrator: manages users, roles and tokens"),
)
ROLE_LABELS = {role: label.split(":")[0] for role, label in ROLE_CHOICES}


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=ROLE_CHOICES, required=False, label="Roles", **kwargs)


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        label="Username (letters, digits and @ . + - _)",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(required=False, label="Email", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    first_name = forms.CharField(required=False, max_length=150, label="First name")
    last_name = forms.CharField(required=False, max_length=150, label="Last name")
    roles = RolesField()


class RolesForm(forms.Form):
    roles = RolesField()


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What the token is for")
    expiry_days = forms.IntegerField(
        min_value=1, max_value=MAX_TOKEN_DAYS, label=f"Expires after (days, 1 to {MAX_TOKEN_DAYS})"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("expiry_days", min(settings.API_TOKEN_TTL_DAYS, MAX_TOKEN_DAYS))


class ConfirmForm(forms.Form):
    """No fields: deactivate, reactivate, reset MFA, revoke. The button is the confirmation."""
