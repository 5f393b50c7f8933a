"""Stable keys for claims, timeline events, response actions and recommendations, so fixtures load idempotently."""

from django.db import migrations, models

KEYED_MODELS = ("incidentclaim", "timelineevent", "responseaction", "recommendation")
HISTORICAL_MODELS = ("historicalincidentclaim", "historicalresponseaction", "historicalrecommendation")


def fill_keys(apps, schema_editor):
    # Rows recorded before keys existed get one derived from their id, unique within their incident.
    for model_name in KEYED_MODELS:
        model = apps.get_model("incidents", model_name)
        for row in model.objects.filter(key=""):
            model.objects.filter(pk=row.pk).update(key=f"{model_name}-{row.pk}")


def add_key(model_name):
    return migrations.AddField(
        model_name=model_name,
        name="key",
        field=models.SlugField(default="", help_text="Stable identifier within the incident.", max_length=80, verbose_name="key"),
        preserve_default=False,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("datamap", "0001_initial"),
        ("incidents", "0001_initial"),
        ("vendors", "0001_initial"),
    ]

    operations = [
        *(add_key(name) for name in KEYED_MODELS),
        *(add_key(name) for name in HISTORICAL_MODELS),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="incidentclaim",
            options={"ordering": ["incident", "source", "kind", "key"], "verbose_name": "claim", "verbose_name_plural": "claims"},
        ),
        *(
            migrations.AddConstraint(
                model_name=model_name,
                constraint=models.UniqueConstraint(
                    fields=("incident", "key"), name=name, violation_error_message=f"This incident already has a {label} with this key."
                ),
            )
            for model_name, name, label in (
                ("incidentclaim", "incidentclaim_unique_key", "claim"),
                ("recommendation", "recommendation_unique_key", "recommendation"),
                ("responseaction", "responseaction_unique_key", "response action"),
                ("timelineevent", "timelineevent_unique_key", "timeline event"),
            )
        ),
    ]
