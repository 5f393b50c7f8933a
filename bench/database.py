"""Make the database in DATABASE_URL ready for `make bench`: migrate it first when migrations are unapplied.

A fresh database (`createdb vr_x` then `make bench`) used to end in "relation vendors_vendor does not exist";
now it is migrated, and Bench.prepare then loads the reference fixtures and generates the register.
"""

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def unapplied_migrations(alias=DEFAULT_DB_ALIAS):
    executor = MigrationExecutor(connections[alias])
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def ensure_migrated(out, alias=DEFAULT_DB_ALIAS):
    """Apply pending migrations (printing how many); returns the number applied."""
    pending = unapplied_migrations(alias)
    if pending:
        out(f"The database has {len(pending)} unapplied migrations: migrating it first…")
        call_command("migrate", database=alias, interactive=False, verbosity=0)
    return len(pending)
