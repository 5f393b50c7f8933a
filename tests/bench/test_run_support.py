"""`make bench` support: an unmigrated database is migrated first; each run's figures are saved and compared."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bench import results
from bench.harness import Row, print_table

ROOT = Path(__file__).resolve().parents[2]
MIGRATE_TWICE = (
    "import django; django.setup(); from bench.database import ensure_migrated; "
    "print('applied', ensure_migrated(print)); print('applied', ensure_migrated(print))"
)


def test_an_unmigrated_database_is_migrated_first_and_only_once(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    done = subprocess.run(
        [sys.executable, "-c", MIGRATE_TWICE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "unapplied migrations: migrating it first" in lines[0]
    assert int(lines[1].split()[1]) > 10  # the first call applied every migration
    assert lines[2:] == ["applied 0"]  # the second found nothing to do and said nothing
    tables = {name for (name,) in sqlite3.connect(database).execute("SELECT name FROM sqlite_master")}
    assert {"vendors_vendor", "datamap_dataflowcategory"} <= tables


def run_of(scale, medians, vendors=10):
    rows = [Row(name, median_ms=ms, p95_ms=ms, queries=1) for name, ms in medians.items()]
    return results.record(scale=scale, rows=rows, register={"vendors": vendors}, database="sqlite", load_before=1.0)


def test_growth_is_this_median_over_the_smaller_scales_for_the_same_row(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS_DIR", tmp_path)
    assert results.baseline_path("full") is None  # nothing measured at the smaller scale yet
    results.save(run_of("small", {"API vendor list (100)": 10.0, "dashboard": 100.0, "gone": 5.0}))
    assert results.baseline_path("small") is None  # the smallest scale has nothing below it
    assert results.baseline_path("full") == tmp_path / "small.json"
    assert results.baseline_path("huge") is None  # huge compares with full, not small

    rows = [
        Row("API vendor list (100)", median_ms=12.0, p95_ms=13.0, queries=3),
        Row("dashboard", median_ms=1000.0, p95_ms=1100.0, queries=9),
        Row("new row", median_ms=1.0, p95_ms=1.0, queries=1),
        Row("not built", note="n/a (not built)"),
    ]
    results.apply_growth(rows, results.load(results.baseline_path("full")))
    assert [row.growth for row in rows] == [pytest.approx(1.2), pytest.approx(10.0), None, None]
    printed = []
    print_table(rows, printed.append)
    assert "growth" in printed[0]
    assert " 1.20 " in printed[2] and " 10.00 " in printed[3]


def test_each_run_is_saved_with_its_machine_load_and_commit(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS_DIR", tmp_path)
    path = results.save(run_of("full", {"dashboard": 150.0}, vendors=10_000))
    saved = json.loads(path.read_text())
    assert path == tmp_path / "full.json"
    assert saved["scale"] == "full" and saved["register"] == {"vendors": 10_000}
    assert saved["machine"]["cores"] == os.cpu_count() and saved["load"]["before"] == 1.0
    assert saved["commit"]  # the short hash of the checkout that measured it
    assert saved["rows"] == [
        {"name": "dashboard", "median_ms": 150.0, "p95_ms": 150.0, "queries": 1, "ratio": None, "note": ""}
    ]


def test_bench_compare_names_a_file_and_a_missing_one_is_refused(tmp_path):
    named = results.save(run_of("full", {"dashboard": 1.0}), tmp_path / "before-my-change.json")
    assert results.baseline_path("small", str(named)) == named  # any scale can compare with a named file
    with pytest.raises(FileNotFoundError, match="BENCH_COMPARE=.*no such file"):
        results.baseline_path("full", str(tmp_path / "missing.json"))
