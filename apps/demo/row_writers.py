"""How the portfolio generator writes its rows: PostgreSQL COPY when it can, bulk_create elsewhere.

Both writers take the same model instances (or, for the ~10 rows per flow of DataFlowCategory, the same plain
tuples) and leave the same rows behind, so the register for a seed does not depend on the database. COPY skips
Django's SQL compilation and the per-statement parameter binding that dominate bulk_create at a million rows;
indexes and constraints stay in place and are checked as the rows arrive. Neither writer records history rows
(bulk writes bypass save() and simple-history's signals), as the generator always did.
"""

import enum

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

# Fields whose Python value is already what the column takes (get_db_prep_save returns it unchanged); the others
# (JSON above all) go through get_db_prep_save. Skipping a no-op call per cell matters at ten million cells.
AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}
LINES_PER_WRITE = 10_000


def writer_for(connection_=None, *, batch_size, use_copy=None):
    """COPY on PostgreSQL unless `use_copy` is False; bulk_create otherwise."""
    # The wrapper itself, not django.db.connection's proxy: a proxy look-up per cell costs more than the cell.
    connection_ = connection_ or connections[DEFAULT_DB_ALIAS]
    if use_copy is None:
        use_copy = connection_.vendor == "postgresql"
    if use_copy and connection_.vendor != "postgresql":
        raise ValueError("COPY needs PostgreSQL")
    return CopyWriter(connection_) if use_copy else BulkCreateWriter(batch_size=batch_size)


class BulkCreateWriter:
    name = "bulk_create"

    def __init__(self, *, batch_size):
        self.batch_size = batch_size

    def objects(self, model, objs):
        """Insert model instances; returns them with their primary keys set."""
        return model.objects.bulk_create(objs, batch_size=self.batch_size)

    def update(self, model, objs, fields):
        """Write `fields` of instances already inserted."""
        model.objects.bulk_update(objs, fields, batch_size=self.batch_size)

    def rows(self, model, columns, rows):
        """Insert plain tuples of `columns` (attnames) whose primary keys nobody reads back."""
        model.objects.bulk_create((model(**dict(zip(columns, row, strict=True))) for row in rows), self.batch_size)


class CopyWriter:
    name = "copy"

    def __init__(self, connection_):
        self.connection = connection_

    def _reserve_ids(self, model, count):
        """Primary keys drawn from the table's own sequence, so that later inserts never collide with them."""
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]

    def _copy(self, model, columns, rows):
        quote = self.connection.ops.quote_name
        sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def objects(self, model, objs):
        if not objs:
            return objs
        fields = model._meta.concrete_fields
        for obj, pk in zip(objs, self._reserve_ids(model, len(objs)), strict=True):
            obj.pk = pk
        now = timezone.now()
        timestamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        for obj in objs:
            for field in timestamped:  # what pre_save does for bulk_create
                setattr(obj, field.attname, now)
        conn = self.connection
        converters = [
            (field.attname, None if field.get_internal_type() in AS_IS else field.get_db_prep_save) for field in fields
        ]

        def values(obj):
            row = []
            for attname, save in converters:
                value = getattr(obj, attname)
                if save is not None:
                    value = save(value, conn)
                row.append(value.value if isinstance(value, enum.Enum) else value)
            return row

        self._copy(model, [field.column for field in fields], (values(obj) for obj in objs))
        for obj in objs:
            obj._state.adding = False
            obj._state.db = conn.alias
        return objs

    def update(self, model, objs, fields):
        """One UPDATE … FROM unnest(arrays) (bulk_update builds a CASE per field and row: seconds per 500 rows)."""
        if not objs:
            return
        meta, quote = model._meta, self.connection.ops.quote_name
        columns = [meta.pk] + [meta.get_field(name) for name in fields]
        arrays = ", ".join(f"%s::{field.db_type(self.connection)}[]" for field in columns)
        names = [quote(field.column) for field in columns]
        assignments = ", ".join(f"{name} = u.{name}" for name in names[1:])
        # Identifiers come from the model's own meta, quoted; every value is a parameter.
        table, key = quote(meta.db_table), names[0]
        sql = f"UPDATE {table} AS t SET {assignments} FROM unnest({arrays}) AS u({', '.join(names)}) WHERE t.{key} = u.{key}"  # noqa: S608, E501
        params = [[_plain(getattr(obj, field.attname)) for obj in objs] for field in columns]
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)

    def rows(self, model, columns, rows):
        """Plain ints and strings, written as COPY text lines in blocks (psycopg's per-row adaptation is the cost)."""
        by_attname = {field.attname: field.column for field in model._meta.concrete_fields}
        quote = self.connection.ops.quote_name
        names = ", ".join(quote(by_attname[name]) for name in columns)
        with (
            self.connection.cursor() as cursor,
            cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy,
        ):
            block = []
            for row in rows:
                block.append("\t".join(map(_text, row)))
                if len(block) == LINES_PER_WRITE:
                    copy.write("\n".join(block) + "\n")
                    block = []
            if block:
                copy.write("\n".join(block) + "\n")


def _plain(value):
    """Choices members are Enums: the database gets their value, as bulk_create's parameters do."""
    return value.value if isinstance(value, enum.Enum) else value


def _text(value):
    """One value in COPY's text format: NULL as \\N; backslash, tab, newline and carriage return escaped."""
    if type(value) is int:  # ids: most of the cells, and never escaped
        return str(value)
    if value is None:
        return "\\N"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text
