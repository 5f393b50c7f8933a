"""Each run's figures saved as JSON, and the growth of every row against a smaller scale measured here.

`bench/results/<scale>.json` (git-ignored) holds the last run at that scale with the machine, its load, the commit
and the register's size. A run compares itself with the next smaller scale's file when there is one, or with
BENCH_COMPARE=path.json, so that "flat as the register grows" is a ratio printed beside each row.
"""

import json
import os
import platform
import subprocess
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
RESULTS_DIR = CHECKOUT / "bench" / "results"
SCALE_ORDER = ["small", "full", "huge"]  # each is measured against the one before it


def commit():
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=CHECKOUT)
    return result.stdout.strip() or None


def machine():
    with open("/proc/meminfo") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    return {
        "cores": os.cpu_count(),
        "ram_gb": round(total_kb / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def record(*, scale, rows, register, database, load_before, generated=None):
    """The JSON document of one run."""
    return {
        "scale": scale,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": machine(),
        "database": database,
        "load": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "register": register,
        "generated": generated,
        "rows": [
            {key: value for key, value in asdict(row).items() if key not in ("target", "met", "growth")} for row in rows
        ],
    }


def save(document, path=None):
    path = Path(path) if path else RESULTS_DIR / f"{document['scale']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def baseline_path(scale, compare=None):
    """BENCH_COMPARE when given (it must exist), else the next smaller scale's file if this machine has one."""
    if compare:
        path = Path(compare)
        if not path.is_file():
            raise FileNotFoundError(f"BENCH_COMPARE={compare}: no such file")
        return path
    if scale not in SCALE_ORDER or SCALE_ORDER.index(scale) == 0:
        return None
    path = RESULTS_DIR / f"{SCALE_ORDER[SCALE_ORDER.index(scale) - 1]}.json"
    return path if path.is_file() else None


def load(path):
    return json.loads(Path(path).read_text())


def apply_growth(rows, baseline):
    """Set row.growth = this median / the baseline's median for the row of the same name (when both measured)."""
    before = {row["name"]: row.get("median_ms") for row in baseline.get("rows", [])}
    for row in rows:
        previous = before.get(row.name)
        if row.median_ms is not None and previous:
            row.growth = row.median_ms / previous


def describe(baseline, path):
    register = baseline.get("register") or {}
    load_before = (baseline.get("load") or {}).get("before")
    return (
        f"Growth column: this run / {path} (scale {baseline.get('scale')}, "
        f"{register.get('vendors', '?'):,} vendors, commit {baseline.get('commit')}, load {load_before}, "
        f"{baseline.get('at')})"
    )
