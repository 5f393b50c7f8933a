"""Fill the compliance counts of an existing register, so the dashboard is right straight after `migrate`."""

from django.db import migrations


def fill(apps, schema_editor):
    # The service reads today's models: this runs once, right after 0004 created the tables, when they match.
    from apps.risk.compliance import compliance_rebuild

    compliance_rebuild()


class Migration(migrations.Migration):
    dependencies = [("risk", "0004_vendor_compliance_counts")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
