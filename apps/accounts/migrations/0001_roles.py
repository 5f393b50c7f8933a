"""Creates the role groups with their permissions (idempotent). post_migrate keeps them in sync afterwards."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the groups can hold them.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    from apps.accounts.roles import sync_roles

    sync_roles()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
