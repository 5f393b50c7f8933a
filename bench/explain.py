"""EXPLAIN ANALYZE of the benchmark's slow queries, before and after the proposed indexes (PostgreSQL only).

    DATABASE_URL=postgres://… .venv/bin/python bench/explain.py [--verbose]

The proposed indexes are created inside a transaction that is rolled back, so the schema is left alone:
the figures show what a migration adding them would buy. Also compares query spellings (subtree by LIKE in
the join vs by category ids resolved first; flows ordered by system name vs by code).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.local")
os.environ["DEBUG"] = "False"

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from apps.datamap.models import DataCategory  # noqa: E402
from bench.sql import VENDOR_COLUMNS  # noqa: E402

PROPOSED_INDEXES = {
    "vendor_display_name_id": "CREATE INDEX vendor_display_name_id ON vendors_vendor (display_name, id)",
    "flowcat_category_sharing_flow": (
        "CREATE INDEX flowcat_category_sharing_flow ON datamap_dataflowcategory (category_id, sharing, flow_id)"
    ),
}
ACTIVE = "(f.ends_on IS NULL OR f.ends_on > current_date)"


def subtree_ids(prefix):
    return list(DataCategory.objects.filter(path__startswith=prefix).values_list("id", flat=True))


def blast_radius(prefix, *, by_ids):
    if by_ids:
        condition, params = "fc.category_id = ANY(%s)", [subtree_ids(prefix)]
    else:
        condition, params = "fc.category_id IN (SELECT id FROM datamap_datacategory WHERE path LIKE %s)", [f"{prefix}%"]
    sql = f"""
        SELECT {VENDOR_COLUMNS} FROM vendors_vendor v WHERE EXISTS (
            SELECT 1 FROM datamap_dataflow f JOIN datamap_dataflowcategory fc ON fc.flow_id = f.id
            WHERE f.vendor_id = v.id AND {ACTIVE} AND f.mechanism = 'client_side_sdk' AND fc.sharing = 'shared'
              AND {condition})
        ORDER BY v.display_name, v.id LIMIT 100"""
    return sql, params


def flows_in_subtree(prefix, *, order):
    sql = f"""
        SELECT f.id, f.code, s.name, v.display_name FROM datamap_dataflow f
        JOIN datamap_system s ON s.id = f.system_id JOIN vendors_vendor v ON v.id = f.vendor_id
        WHERE EXISTS (SELECT 1 FROM datamap_dataflowcategory fc
                      WHERE fc.flow_id = f.id AND fc.sharing = 'shared' AND fc.category_id = ANY(%s))
        ORDER BY {order} LIMIT 100"""
    return sql, [subtree_ids(prefix)]


def count_flows_in_subtree(prefix):
    sql = """SELECT count(*) FROM datamap_dataflow f WHERE EXISTS (SELECT 1 FROM datamap_dataflowcategory fc
             WHERE fc.flow_id = f.id AND fc.sharing = 'shared' AND fc.category_id = ANY(%s))"""
    return sql, [subtree_ids(prefix)]


CASES = {
    "vendor page (100)": (f"SELECT {VENDOR_COLUMNS} FROM vendors_vendor v ORDER BY v.display_name, v.id LIMIT 100", []),
    "blast radius email, LIKE in join": blast_radius("contact/email-address/", by_ids=False),
    "blast radius email, ids first": blast_radius("contact/email-address/", by_ids=True),
    "blast radius special-category, LIKE in join": blast_radius("special-category/", by_ids=False),
    "blast radius special-category, ids first": blast_radius("special-category/", by_ids=True),
    "blast radius password, LIKE in join": blast_radius("authentication-secrets/password/", by_ids=False),
    "blast radius password, ids first": blast_radius("authentication-secrets/password/", by_ids=True),
    "flows contact/, order system name+code": flows_in_subtree("contact/", order="s.name, f.code"),
    "flows contact/, order code": flows_in_subtree("contact/", order="f.code"),
    "flows special-category/, order system name+code": flows_in_subtree("special-category/", order="s.name, f.code"),
    "flows special-category/, order code": flows_in_subtree("special-category/", order="f.code"),
    "COUNT(*) flows contact/ (pagination)": count_flows_in_subtree("contact/"),
    "COUNT(*) vendors (pagination)": ("SELECT count(*) FROM vendors_vendor", []),
    "estimate vendors (pg_class.reltuples)": (
        "SELECT reltuples::bigint FROM pg_class WHERE oid = 'vendors_vendor'::regclass",
        [],
    ),
}


def explain(cursor, sql, params, verbose):
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
    lines = [row[0] for row in cursor.fetchall()]
    total = next(line for line in lines if line.startswith("Execution Time"))
    return lines if verbose else [total]


def main():
    if connection.vendor != "postgresql":
        sys.exit("bench/explain.py needs PostgreSQL (DATABASE_URL)")
    verbose = "--verbose" in sys.argv
    with transaction.atomic(), connection.cursor() as cursor:
        for phase in ("as the schema stands", "with the proposed indexes (rolled back afterwards)"):
            if phase.startswith("with"):
                for statement in PROPOSED_INDEXES.values():
                    cursor.execute(statement)
                cursor.execute("ANALYZE vendors_vendor")
                cursor.execute("ANALYZE datamap_dataflowcategory")
            print(f"\n#### {phase}")
            for name, (sql, params) in CASES.items():
                explain(cursor, sql, params, False)  # warm the cache: compare plans, not disk reads
                lines = explain(cursor, sql, params, verbose)
                print(f"== {name}: {lines[-1] if not verbose else ''}")
                if verbose:
                    print("\n".join(lines))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
