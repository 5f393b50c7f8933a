from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_roles_after_migrate(sender, **kwargs):
    # post_migrate runs once per app, and each app's permissions are created in its own turn; only after the
    # last app's turn do all permissions exist. Syncing then keeps the roles complete as models are added.
    last_app = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is last_app:
        from .roles import sync_roles

        sync_roles()


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"

    def ready(self):
        from . import signals  # noqa: F401

        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="vendorrisk_sync_roles")
