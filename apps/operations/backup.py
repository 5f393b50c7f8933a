"""Backup and restore of the whole register: the PostgreSQL database (pg_dump's custom format) and the evidence
files of the default storage, with a manifest of every file's size and SHA-256 and every table's row count.

A backup directory holds:
    manifest.json       format, when, Django and PostgreSQL versions, files with size and sha256, row counts
    database.dump       pg_dump --format=custom (restored by pg_restore, table by table)
    media/<path>        each evidence file as stored

Restore refuses a directory whose files do not match the manifest, and a database that already has tables (it
restores into an empty one, never over a live register), then checks every table's row count against the manifest.
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connections

FORMAT_VERSION = 1
DUMP_NAME = "database.dump"
MEDIA_DIR = "media"
MANIFEST_NAME = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in one line."""


def _sha256(stream) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _postgres(alias):
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise BackupError(f"backup and restore need PostgreSQL; the database '{alias}' is {connection.vendor}.")
    params = connection.settings_dict
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    args = ["--host", params.get("HOST") or "localhost", "--port", str(params.get("PORT") or 5432)]
    if params.get("USER"):
        args += ["--username", params["USER"]]
    return args + ["--dbname", params["NAME"]], env


def _run(command, env):
    # pg_dump / pg_restore with arguments from settings, never from a request.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{command[0]} failed: {last}")


def table_row_counts(alias="default") -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            counts[table] = cursor.fetchone()[0]
    return counts


def _storage_files(storage, directory=""):
    """Every file in the storage, depth first, as paths relative to its root."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for name in sorted(directories):
        yield from _storage_files(storage, f"{directory}/{name}" if directory else name)


def backup(*, output: Path, alias: str = "default", storage=None) -> dict:
    storage = storage or default_storage
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} is not empty: a backup goes into a new or empty directory.")
    pg_args, env = _postgres(alias)
    (output / MEDIA_DIR).mkdir(parents=True, exist_ok=True)
    dump = output / DUMP_NAME
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump), *pg_args], env)
    # Counted after the dump: writes in between would show as a mismatch on restore, never pass unseen. Run backups
    # when the register is quiet, or accept that the counts describe the moment just after the dump.
    counts = table_row_counts(alias)
    with dump.open("rb") as stream:
        dump_size, dump_sha = _sha256(stream)
    files = []
    for name in _storage_files(storage):
        target = output / MEDIA_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink, CHUNK)
        with target.open("rb") as stream:
            size, sha = _sha256(stream)
        files.append({"path": name, "size": size, "sha256": sha})
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    manifest = {
        "format_version": FORMAT_VERSION,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "postgresql": server_version,
        "database": {"path": DUMP_NAME, "size": dump_size, "sha256": dump_sha},
        "files": files,
        "row_counts": counts,
    }
    (output / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def verify(directory: Path) -> dict:
    """The manifest, once every file in it is present with its size and hash."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST_NAME).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{directory / MANIFEST_NAME} is missing or not JSON.") from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {manifest.get('format_version')!r}.")
    entries = [(directory / manifest["database"]["path"], manifest["database"])]
    entries += [(directory / MEDIA_DIR / entry["path"], entry) for entry in manifest["files"]]
    for path, entry in entries:
        if not path.resolve().is_relative_to(directory.resolve()):
            raise BackupError(f"{entry['path']} points outside the backup directory.")
        try:
            with path.open("rb") as stream:
                size, sha = _sha256(stream)
        except OSError as exc:
            raise BackupError(f"{path} is missing.") from exc
        if (size, sha) != (entry["size"], entry["sha256"]):
            raise BackupError(f"{path} does not match the manifest (size or SHA-256 differs).")
    return manifest


def restore(*, directory: Path, alias: str = "default", storage=None) -> dict:
    storage = storage or default_storage
    directory = Path(directory)
    manifest = verify(directory)
    pg_args, env = _postgres(alias)
    with connections[alias].cursor() as cursor:
        existing = connections[alias].introspection.table_names(cursor)
    if existing:
        raise BackupError(f"the database already has {len(existing)} tables: restore goes into an empty database.")
    for entry in manifest["files"]:
        if storage.exists(entry["path"]):
            raise BackupError(f"the storage already holds {entry['path']}: restore goes into an empty storage.")
    connections[alias].close()
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *pg_args,
         str(directory / manifest["database"]["path"])],
        env,
    )  # fmt: skip
    for entry in manifest["files"]:
        with (directory / MEDIA_DIR / entry["path"]).open("rb") as source:
            saved = storage.save(entry["path"], File(source))
        if saved != entry["path"]:
            raise BackupError(f"the storage saved {entry['path']} as {saved}.")
    counts = table_row_counts(alias)
    if counts != manifest["row_counts"]:
        expected = manifest["row_counts"]
        differ = sorted(table for table in set(counts) | set(expected) if counts.get(table) != expected.get(table))
        raise BackupError(f"row counts differ from the manifest after restore: {', '.join(differ[:5])}")
    return manifest
