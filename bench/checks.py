"""The issue's targets, checked against the measured rows."""

TARGETS = {
    # row name prefix: (target text, predicate on the row)
    "API vendor list (100)": ("<150 ms and <=3x SQL", lambda r: r.median_ms < 150 and (r.ratio or 0) <= 3),
    "API blast radius": ("<100 ms", lambda r: r.median_ms < 100),
    "SQL blast radius": ("<100 ms", lambda r: r.median_ms < 100),
    "ORM blast radius, EXISTS": ("<100 ms", lambda r: r.median_ms < 100),
    "API dashboard": ("<500 ms", lambda r: r.median_ms < 500),
    "workspace dashboard page": ("<300 ms", lambda r: r.median_ms < 300),
    # Issue 22: the 200-flow report within 4x of the SQL that reads its rows; the 5,000-flow rows are judged by
    # their note (chunks, peak memory), not by a time.
    "API vendor report json (200": ("<=4x SQL", lambda r: (r.ratio or 99) <= 4),
    "builder vendor report json": ("<200 ms", lambda r: r.median_ms < 200),
    "concentration": ("<300 ms, const. queries", lambda r: r.median_ms < 300),
    "baseline fan-out": ("<30 s, const. queries", lambda r: r.median_ms < 30_000),
    "SQL fan-out": ("<30 s, 1 statement", lambda r: r.median_ms < 30_000),
}


def apply_targets(rows):
    for row in rows:
        for prefix, (text, predicate) in TARGETS.items():
            if row.name.startswith(prefix):
                row.target = text
                if row.median_ms is not None:
                    row.met = predicate(row)


def summary(rows):
    judged = [row for row in rows if row.met is not None]
    missed = [row.name for row in judged if not row.met]
    pending = [row.name for row in rows if row.median_ms is None]
    lines = [f"Targets: {len(judged) - len(missed)} of {len(judged)} measured rows met."]
    if missed:
        lines.append("Missed: " + "; ".join(missed))
    if pending:
        lines.append("Not measured (feature not on this branch): " + "; ".join(pending))
    return lines
