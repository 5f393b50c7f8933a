"""Admin › API tokens and MFA enrolment links, for security reviewers. Writes go through apps.accounts.services.

The secret of a token or a link is shown once, in the message after it is issued; only digests are stored.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.core.admin import ServiceAdmin

from .models import ApiToken, MfaEnrolmentLink
from .roles import is_security_reviewer
from .services import api_token_issue, api_token_revoke, mfa_enrolment_link_issue


class ReviewerOnlyAdmin(ServiceAdmin):
    """Accounts are not register apps: no role's model permissions cover them, the reviewer role does."""

    def has_module_permission(self, request):
        return is_security_reviewer(request.user)

    def has_view_permission(self, request, obj=None):
        return is_security_reviewer(request.user)

    def has_add_permission(self, request):
        return is_security_reviewer(request.user)

    def has_change_permission(self, request, obj=None):
        return False


class ServiceTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("user", "name")

    def clean_user(self):
        user = self.cleaned_data["user"]
        if is_security_reviewer(user):
            # A reviewer's token must come from their own second factor (the token exchange with `otp`).
            raise ValidationError("Security reviewers get their tokens from the token exchange, with their code.")
        if not user.is_active:
            raise ValidationError("This account is inactive.")
        return user


@admin.register(ApiToken)
class ApiTokenAdmin(ReviewerOnlyAdmin):
    list_display = ("name", "user", "token_key", "created", "expiry", "second_factor", "issued_by")
    list_filter = ("second_factor",)
    list_select_related = ("user", "issued_by")
    search_fields = ("name", "token_key", "user__username")
    readonly_fields = ("name", "user", "token_key", "created", "expiry", "second_factor", "issued_by")
    form = ServiceTokenForm

    def get_fields(self, request, obj=None):
        return ("user", "name") if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return is_security_reviewer(request.user)

    def create(self, request, obj, form):
        record, token = api_token_issue(
            user=form.cleaned_data["user"], name=form.cleaned_data["name"], second_factor=True, issued_by=request.user
        )
        messages.warning(request, f"Token for {record.user}: {token} — copy it now, it is not shown again.")
        return record

    def remove(self, request, obj):
        api_token_revoke(token=obj, actor=request.user)


@admin.register(MfaEnrolmentLink)
class MfaEnrolmentLinkAdmin(ReviewerOnlyAdmin):
    list_display = ("user", "issued_by", "created_at", "expires_at", "used_at")
    list_select_related = ("user", "issued_by")
    search_fields = ("user__username",)
    fields = ("user",)

    def has_delete_permission(self, request, obj=None):
        return False

    def create(self, request, obj, form):
        link, secret = mfa_enrolment_link_issue(user=form.cleaned_data["user"], issued_by=request.user)
        url = request.build_absolute_uri(reverse("mfa-enrolment-link", args=[secret]))
        messages.warning(
            request, f"Enrolment link for {link.user} (works once, until {link.expires_at:%Y-%m-%d %H:%M} UTC): {url}"
        )
        return link
