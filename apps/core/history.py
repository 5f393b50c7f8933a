"""History rows (django-simple-history) written set-based, for batch services that change thousands of rows."""

from django.db import connection
from django.utils import timezone

# Primary keys per INSERT … SELECT: a bound on the statement's size, not a per-row cost.
COPY_BATCH_SIZE = 10_000


def history_copy_rows(*, model, pks, actor=None, history_type="~", change_reason="") -> int:
    """Copy the current rows of `model` with these primary keys into its history table, in one INSERT … SELECT
    per COPY_BATCH_SIZE keys; returns how many were copied.

    The rows bulk_history_create would write after an update (every tracked field, one history date, the actor),
    without building a model instance and quoting every column of every row in Python: call it after the rows
    were written. Tracked fields keep their column names in the history table, as simple-history makes them.
    """
    history = model.history.model
    quote = connection.ops.quote_name
    tracked = [field.column for field in history.tracked_fields]
    columns = ", ".join(quote(column) for column in tracked)
    extra = ("history_date", "history_user_id", "history_change_reason", "history_type")
    # Only quoted names from the models' metadata are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}, {', '.join(quote(c) for c in extra)}) "  # noqa: S608
        f"SELECT {columns}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN "
    )
    when, user_id = timezone.now(), getattr(actor, "pk", None)
    pks = sorted(set(pks))
    copied = 0
    with connection.cursor() as cursor:
        for start in range(0, len(pks), COPY_BATCH_SIZE):
            batch = pks[start : start + COPY_BATCH_SIZE]
            placeholders = ", ".join(["%s"] * len(batch))
            cursor.execute(f"{sql}({placeholders})", [when, user_id, change_reason, history_type, *batch])
            copied += cursor.rowcount
    return copied
