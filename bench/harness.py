"""Timing and the printed table: median and p95 over repeated runs, query counts, ratios to raw SQL."""

import math
import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

NOT_BUILT = "n/a (not built)"


@dataclass
class Row:
    name: str
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    ratio: float | None = None
    growth: float | None = None  # this median / the same row's median at a smaller scale (bench/results.py)
    note: str = ""
    target: str = ""
    met: bool | None = None


def p95(samples):
    """Nearest-rank 95th percentile: with 20 samples, the 19th smallest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(name, action, *, repeat, warmup=1, check=None):
    """Run `action` warmup + repeat times; count the queries of one more run. `check(result)` guards the answer."""
    for _ in range(warmup):
        result = action()
        if check:
            check(result)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        action()
    return Row(name, statistics.median(samples), p95(samples), len(captured.captured_queries))


def not_built(name, what):
    return Row(name, note=f"{NOT_BUILT}: {what}")


def print_table(rows, out):
    """One line per row; "x SQL" is the ratio to the paired raw SQL row, "growth" this median / a smaller scale's."""
    header = (
        f"{'name':<46} {'median ms':>10} {'p95 ms':>10} {'queries':>8} {'x SQL':>6} {'growth':>7}  {'target':<22} note"
    )
    out(header)
    out("-" * len(header))
    for row in rows:
        if row.median_ms is None:
            out(f"{row.name:<46} {'-':>10} {'-':>10} {'-':>8} {'-':>6} {'-':>7}  {row.target:<22} {row.note}")
            continue
        ratio = f"{row.ratio:.1f}" if row.ratio is not None else ""
        growth = f"{row.growth:.2f}" if row.growth is not None else ""
        verdict = "" if row.met is None else ("met" if row.met else "MISSED")
        target = f"{row.target} {verdict}".strip()
        out(
            f"{row.name:<46} {row.median_ms:>10.1f} {row.p95_ms:>10.1f} {row.queries:>8} {ratio:>6} {growth:>7}  "
            f"{target:<22} {row.note}"
        )
