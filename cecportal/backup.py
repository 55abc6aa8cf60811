"""Backing up and restoring the whole site: the database and the private uploads, in one file.

- SQLite is copied through its online backup API (`sqlite3.Connection.backup`), which gives a
  consistent copy while the site runs — copying the file itself can lose what is still in the
  write-ahead log.
- PostgreSQL is dumped with `pg_dump --format=custom` and restored with `pg_restore --clean`
  (the PostgreSQL client programs must be installed, matching or newer than the server).
- The private uploads folder (`PRIVATE_MEDIA_ROOT`) is copied as it is.

The archive is a `.tar.gz` holding `manifest.json`, `database.sqlite3` or `database.pgdump`, and
`private/`. A restore refuses an archive made from the other kind of database.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

MANIFEST = "manifest.json"
PRIVATE = "private"
FORMAT = 1


class BackupError(Exception):
    """Something a person must fix (a missing tool, a wrong archive); the message says what."""


@dataclass(frozen=True)
class Manifest:
    engine: str
    created: str
    database_file: str
    private_files: int

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        data = json.loads((folder / MANIFEST).read_text())
        if data.get("format") != FORMAT:
            raise BackupError("This archive was not made by this version's backup command.")
        return cls(
            engine=data["engine"],
            created=data["created"],
            database_file=data["database_file"],
            private_files=data["private_files"],
        )


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backing up a {vendor} database is not supported.")
    return vendor


def _pg_env(alias: str) -> tuple[list[str], dict]:
    conf = connections[alias].settings_dict
    args = []
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client programs "
            "(Debian: apt-get install postgresql-client)."
        )
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def _dump_database(folder: Path, alias: str) -> str:
    connection = connections[alias]
    if engine(alias) == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return target.name
    target = folder / "database.pgdump"
    args, env = _pg_env(alias)
    name = connection.settings_dict["NAME"]
    _run(
        [
            "pg_dump",
            *args,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            name,
        ],
        env,
    )
    return target.name


def _load_database(folder: Path, manifest: Manifest, alias: str) -> None:
    connection = connections[alias]
    source = folder / manifest.database_file
    if engine(alias) == "sqlite":
        connection.ensure_connection()
        backup = sqlite3.connect(source)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
        return
    args, env = _pg_env(alias)
    name = connection.settings_dict["NAME"]
    connection.close()
    _run(
        [
            "pg_restore",
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--dbname",
            name,
            str(source),
        ],
        env,
    )


def _private_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT)


def _count_files(root: Path) -> int:
    return sum(1 for path in root.rglob("*") if path.is_file()) if root.exists() else 0


def backup(output: Path, *, alias: str = "default") -> Path:
    """Write one archive into the folder `output`; return its path."""
    output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    vendor = engine(alias)
    with tempfile.TemporaryDirectory(dir=output) as work:
        folder = Path(work)
        database_file = _dump_database(folder, alias)
        root = _private_root()
        if root.exists():
            shutil.copytree(root, folder / PRIVATE)
        else:
            (folder / PRIVATE).mkdir()
        manifest = {
            "format": FORMAT,
            "engine": vendor,
            "created": stamp,
            "database_file": database_file,
            "private_files": _count_files(folder / PRIVATE),
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
        archive = output / f"cecportal-{vendor}-{stamp}.tar.gz"
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            for name in (MANIFEST, database_file, PRIVATE):
                tar.add(folder / name, arcname=name)
        partial.rename(archive)
    archive.chmod(0o600)
    return archive


def restore(archive: Path, *, alias: str = "default") -> Manifest:
    """Replace the database and the private uploads with the archive's."""
    if not archive.is_file():
        raise BackupError(f"No backup archive at {archive}.")
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(folder, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"{archive} is not a readable backup archive ({exc}).") from None
        if not (folder / MANIFEST).exists():
            raise BackupError(f"{archive} has no {MANIFEST}: not a backup archive.")
        manifest = Manifest.read(folder)
        if manifest.engine != engine(alias):
            raise BackupError(
                f"This archive holds a {manifest.engine} database; this site uses "
                f"{engine(alias)}. Restore it into a site configured for {manifest.engine}."
            )
        _load_database(folder, manifest, alias)
        root = _private_root()
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(folder / PRIVATE, root)
    return manifest
