"""Fill the summary rows of an existing register, so the dashboard is right straight after `migrate`."""

from django.db import migrations


def fill(apps, schema_editor):
    # The service reads today's models: this runs once, right after 0001 created the tables, when they match.
    from apps.dashboard.services import summaries_rebuild

    summaries_rebuild()


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_vendor_summaries_and_reach_counts")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
