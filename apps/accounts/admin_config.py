from django.contrib.admin.apps import AdminConfig


class VendorriskAdminConfig(AdminConfig):
    """Replaces django.contrib.admin so that admin.site is the MFA-aware site."""

    default_site = "apps.accounts.admin_site.VendorriskAdminSite"
