"""Raw SQL that fetches the same rows as the API and report rows: the floor that ORM and serialisation add to.

Each function returns the rows so that the harness can check they are not empty.
"""

from django.db import connection

VENDOR_COLUMNS = (
    "v.id, v.slug, v.legal_name, v.display_name, v.website, v.domains, v.hq_country, v.category, v.status, "
    "v.owner_id, v.computed_tier, v.tier_override, v.tier, v.created_at, v.updated_at"
)
ACTIVE_FLOW = "(f.ends_on IS NULL OR f.ends_on > current_date)"
# Shared categories of a subtree, through running flows of one mechanism: the blast-radius question. The subtree
# is resolved to category ids first (a look-up in a ~40-row catalogue) so that the planner sees which categories
# it joins on; a LIKE inside the join hides that and picks bad plans for rare categories (bench/explain.py).
BLAST_RADIUS_EXISTS = """
    EXISTS (
        SELECT 1 FROM datamap_dataflow f
        JOIN datamap_dataflowcategory fc ON fc.flow_id = f.id
        WHERE f.vendor_id = v.id AND (f.ends_on IS NULL OR f.ends_on > current_date)
          AND f.mechanism = %s AND fc.sharing = 'shared' AND fc.category_id IN ({ids})
    )
"""


def fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def vendor_page(limit=100):
    return fetch(f"SELECT {VENDOR_COLUMNS} FROM vendors_vendor v ORDER BY v.display_name, v.id LIMIT %s", [limit])


def vendor_count():
    return fetch("SELECT count(*) FROM vendors_vendor")


def subtree_ids(category_path):
    return [row[0] for row in fetch("SELECT id FROM datamap_datacategory WHERE path LIKE %s", [f"{category_path}%"])]


def blast_radius(*, category_path="contact/email-address/", mechanism="client_side_sdk", limit=100):
    ids = subtree_ids(category_path)
    exists = BLAST_RADIUS_EXISTS.format(ids=placeholders(ids))
    return fetch(
        f"SELECT {VENDOR_COLUMNS} FROM vendors_vendor v WHERE {exists} ORDER BY v.display_name, v.id LIMIT %s",
        [mechanism, *ids, limit],
    )


def placeholders(values):
    """`%s, %s, …` for an IN list (SQLite has no `= ANY(array)`); an empty list matches nothing."""
    return ", ".join(["%s"] * len(values)) or "NULL"


FLOW_CATEGORIES = """
    SELECT fc.flow_id, c.code, c.name, c.sensitivity, fc.sharing, fc.note
    FROM datamap_dataflowcategory fc JOIN datamap_datacategory c ON c.id = fc.category_id
    WHERE fc.flow_id IN ({ids}) ORDER BY fc.flow_id, c.path
"""


def flows_in_subtree(*, category_path="contact/", limit=100):
    """The API's flow page: the flows (ordered by code, as the API) with system, vendor and service slugs, then
    what each carries (the `categories` of every flow)."""
    ids = subtree_ids(category_path)
    flows = fetch(
        f"""
        SELECT f.id, f.code, s.slug, v.slug, vs.slug, f.mechanism, f.purpose, f.data_subjects,
               f.processing_countries, f.storage_countries, f.estimated_records, f.starts_on, f.ends_on,
               f.created_at, f.updated_at
        FROM datamap_dataflow f
        JOIN datamap_system s ON s.id = f.system_id
        JOIN vendors_vendor v ON v.id = f.vendor_id
        JOIN vendors_vendorservice vs ON vs.id = f.service_id
        WHERE EXISTS (
            SELECT 1 FROM datamap_dataflowcategory fc
            WHERE fc.flow_id = f.id AND fc.sharing = 'shared' AND fc.category_id IN ({placeholders(ids)})
        )
        ORDER BY f.code LIMIT %s
        """,
        [*ids, limit],
    )
    flow_ids = [row[0] for row in flows]
    fetch(FLOW_CATEGORIES.format(ids=placeholders(flow_ids)), flow_ids)  # read, as the API reads them
    return flows


INCIDENT_COLUMNS = (
    "i.id, i.slug, v.slug, i.title, i.severity, i.status, i.vendor_detected_at, i.vendor_notified_at, "
    "i.dataset_received_at, i.we_became_aware_at, i.public_disclosure_at, i.estimated_affected_records, "
    "i.created_at, i.updated_at"
)


def incident_page(limit=100):
    """The API's incident page: headlines with the vendor's slug, newest detection first (the model's order)."""
    return fetch(
        f"SELECT {INCIDENT_COLUMNS} FROM incidents_incident i JOIN vendors_vendor v ON v.id = i.vendor_id "
        "ORDER BY i.vendor_detected_at DESC, i.created_at DESC LIMIT %s",
        [limit],
    )


def dashboard():
    """The aggregates a dashboard shows, one query each."""
    return [
        fetch("SELECT tier, status, count(*) FROM vendors_vendor GROUP BY tier, status"),
        fetch("SELECT mechanism, count(*) FROM datamap_dataflow WHERE ends_on IS NULL GROUP BY mechanism"),
        fetch("SELECT state, count(*) FROM reviews_review GROUP BY state"),
        fetch(
            "SELECT count(*) FROM reviews_review WHERE due_on < current_date AND state NOT IN ('approved', "
            "'approved_with_conditions', 'rejected')"
        ),
        fetch("SELECT status, count(*) FROM risk_vendorrequirement GROUP BY status"),
        fetch("SELECT count(*) FROM risk_vendorrequirement WHERE status <> 'met' AND due_on < current_date"),
        fetch("SELECT severity, status, count(*) FROM incidents_incident GROUP BY severity, status"),
        fetch(
            f"""
            SELECT fc.category_id, count(DISTINCT f.vendor_id) FROM datamap_dataflowcategory fc
            JOIN datamap_dataflow f ON f.id = fc.flow_id
            WHERE fc.sharing = 'shared' AND {ACTIVE_FLOW} GROUP BY fc.category_id
            """
        ),
    ]


def vendor_report(vendor_id):
    """The rows a data-flow report of one vendor needs: flows with system and categories, paper, reviews."""
    return [
        fetch(
            """
            SELECT f.code, s.slug, f.mechanism, c.code, c.path, fc.sharing
            FROM datamap_dataflow f
            JOIN datamap_system s ON s.id = f.system_id
            JOIN datamap_dataflowcategory fc ON fc.flow_id = f.id
            JOIN datamap_datacategory c ON c.id = fc.category_id
            WHERE f.vendor_id = %s ORDER BY s.slug, f.code, c.path
            """,
            [vendor_id],
        ),
        fetch("SELECT * FROM vendors_contract WHERE vendor_id = %s", [vendor_id]),
        fetch("SELECT * FROM vendors_vendorservice WHERE vendor_id = %s", [vendor_id]),
        fetch(
            "SELECT r.code, vr.status, vr.due_on FROM risk_vendorrequirement vr "
            "JOIN risk_securityrequirement r ON r.id = vr.requirement_id WHERE vr.vendor_id = %s",
            [vendor_id],
        ),
        fetch("SELECT * FROM reviews_review WHERE vendor_id = %s", [vendor_id]),
        fetch("SELECT * FROM incidents_incident WHERE vendor_id = %s", [vendor_id]),
    ]


def incident_report(incident_id):
    return [
        fetch("SELECT * FROM incidents_incident WHERE id = %s", [incident_id]),
        fetch(
            "SELECT c.code, c.path, e.status FROM incidents_incidentexposure e "
            "JOIN datamap_datacategory c ON c.id = e.category_id WHERE e.incident_id = %s",
            [incident_id],
        ),
        fetch("SELECT * FROM incidents_incidentsource WHERE incident_id = %s", [incident_id]),
        fetch("SELECT * FROM incidents_timelineevent WHERE incident_id = %s", [incident_id]),
        fetch(
            "SELECT f.code FROM incidents_incident_affected_flows a JOIN datamap_dataflow f ON f.id = a.dataflow_id "
            "WHERE a.incident_id = %s",
            [incident_id],
        ),
    ]


def fanout_insert(*, requirement_id, tier, due_on):
    """Set-based fan-out: one INSERT … SELECT creates the missing statuses of every vendor of a tier.

    Idempotent through the (vendor, requirement) unique constraint; returns the number of rows created.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO risk_vendorrequirement (vendor_id, requirement_id, status, due_on, note, created_at,
                                                updated_at)
            SELECT v.id, %s, 'not_met', %s, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM vendors_vendor v
            WHERE v.tier = %s AND v.status <> 'terminated'
            ON CONFLICT (vendor_id, requirement_id) DO NOTHING
            """,
            [requirement_id, due_on, tier],
        )
        return cursor.rowcount
