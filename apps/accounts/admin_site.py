"""The admin site: a verified TOTP device is required when ADMIN_REQUIRES_OTP is on (always in production)."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django_otp.admin import OTPAdminAuthenticationForm

from .mfa import has_verified_second_factor
from .roles import is_security_reviewer


class OwnerAutocompleteView(AutocompleteJsonView):
    """Reviewers pick owners (of systems, findings, actions) from the users, whose admin pages are not theirs:
    without this the owner autocomplete answered 403 and listed nothing. It returns only ids and names."""

    def has_perm(self, request, obj=None):
        if self.model_admin.model is get_user_model() and is_security_reviewer(request.user):
            return True
        return super().has_perm(request, obj)

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.filter(is_active=True) if queryset.model is get_user_model() else queryset


class VendorriskAdminSite(AdminSite):
    site_header = "vendorrisk"
    site_title = "vendorrisk"
    index_title = "Vendor risk register"

    def has_permission(self, request):
        # Without a verified device a staff user is treated as not staff: the admin sends them to its login page.
        allowed = super().has_permission(request)
        if allowed and settings.ADMIN_REQUIRES_OTP:
            # Every staff user here, reviewer or not: the admin is the reviewers' door (reports and intake pages too).
            return has_verified_second_factor(request.user)
        return allowed

    def autocomplete_view(self, request):
        return OwnerAutocompleteView.as_view(admin_site=self)(request)

    def login(self, request, extra_context=None):
        if settings.ADMIN_REQUIRES_OTP:
            self.login_form = OTPAdminAuthenticationForm
            self.login_template = "otp/admin111/login.html"
        else:
            self.login_form = None
            self.login_template = None
        extra_context = {**(extra_context or {}), "mfa_setup_url": "/accounts/mfa/"}
        return super().login(request, extra_context)
