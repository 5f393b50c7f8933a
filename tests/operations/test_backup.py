"""`manage.py backup` and `restore`: the demo round-trips with every table's row count and every evidence file's
hash intact; a tampered backup, a non-empty target and a non-empty output are refused."""

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from apps.operations.backup import table_row_counts
from tests.factories.vendors import DocumentFactory, VendorFactory


def _server_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"


@pytest.fixture
def empty_database():
    name = f"vr_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{_server_url()}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{_server_url()}/{name}"
    finally:
        with psycopg.connect(f"{_server_url()}/postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def evidence_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "m"}},
    }
    return tmp_path / "m"


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _counts(url) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {
            t: conn.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(t))).fetchone()[0] for t in tables
        }


def _restore(directory, database_url, media_root):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.local",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "CELERY_BROKER_URL": "",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(directory)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.postgres
def test_the_demo_round_trips_through_backup_and_restore(transactional_db, demo_data, evidence_storage, tmp_path,
                                                          empty_database):  # fmt: skip
    vendor = VendorFactory(slug="backup-vendor")
    DocumentFactory(vendor=vendor, file=ContentFile(b"%PDF-1.4 soc2 report", name="soc2.pdf"))
    DocumentFactory(vendor=vendor, file=ContentFile(os.urandom(300_000), name="pentest.pdf"))
    original_counts = table_row_counts()
    assert original_counts["vendors_vendor"] > 1 and original_counts["incidents_incident"] >= 1

    call_command("backup", output=tmp_path / "backup")

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["row_counts"] == original_counts
    assert {entry["path"] for entry in manifest["files"]} == set(_hashes(evidence_storage))
    result = _restore(tmp_path / "backup", empty_database, tmp_path / "restored-media")
    assert result.returncode == 0, result.stderr
    assert _counts(empty_database) == original_counts
    assert _hashes(tmp_path / "restored-media") == _hashes(evidence_storage)
    assert len(_hashes(evidence_storage)) == 2

    # Running it again is refused: the target is no longer empty, and nothing is overwritten.
    again = _restore(tmp_path / "backup", empty_database, tmp_path / "restored-media")
    assert again.returncode != 0 and "empty database" in again.stderr


@pytest.mark.postgres
def test_a_tampered_backup_is_refused_before_anything_is_restored(transactional_db, evidence_storage, tmp_path,
                                                                  empty_database):  # fmt: skip
    DocumentFactory(file=ContentFile(b"evidence", name="iso.pdf"))
    call_command("backup", output=tmp_path / "backup")
    stored = next((tmp_path / "backup" / "media").rglob("*.pdf"))
    stored.write_bytes(b"forged")

    result = _restore(tmp_path / "backup", empty_database, tmp_path / "restored-media")

    assert result.returncode != 0 and "does not match the manifest" in result.stderr
    assert _counts(empty_database) == {}
    assert not (tmp_path / "restored-media").exists() or not any((tmp_path / "restored-media").rglob("*.pdf"))


@pytest.mark.postgres
def test_backup_refuses_a_directory_that_is_not_empty(transactional_db, tmp_path):
    (tmp_path / "old-backup.txt").write_text("keep me")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", output=tmp_path)
    assert (tmp_path / "old-backup.txt").read_text() == "keep me"


def test_backup_needs_postgresql(db, tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("runs where the suite is on SQLite")
    with pytest.raises(CommandError, match="need PostgreSQL"):
        call_command("backup", output=tmp_path / "b")
