"""Backing the database up into one file and restoring it (`kechuang backup` / `restore`).

The method follows the engine, each the one that gives a consistent copy of a live database:

- SQLite: the online backup API (`sqlite3.Connection.backup`) copies the pages of the open
  database while the web server and the worker keep running (WAL), and a restore copies the
  backup's pages back over the live database in one step. The backup is itself a SQLite
  database a reader can open.
- PostgreSQL: `pg_dump --format=custom` (one snapshot, compressed, restorable table by table)
  and `pg_restore --clean --single-transaction`, which fails whole or succeeds whole. Used
  when the client tools on the machine are at least as new as the server (pg_dump refuses a
  newer server).
- Otherwise, or with `portable=True`: a Django-level dump (`dumpdata`, natural keys, XML:
  Django's JSON encoder cuts times to milliseconds, the XML serializer keeps microseconds).
  It is slower, but restores on any engine, so it also moves an installation from SQLite to
  PostgreSQL.

Uploaded and generated files (MEDIA_ROOT) are not in the database: back that folder up with
the file system tools beside this file.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, transaction

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# Tables a fresh `migrate` fills and a Django-level dump leaves out (they are matched by
# natural keys on load).
SCHEMA_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
# A database with neither an account nor an audit entry holds only what `migrate` loads
# (reference data): a restore over it destroys nothing.
DATA_TABLES = ("core_user", "core_auditentry")


class BackupError(Exception):
    pass


def _vendor(using: str) -> str:
    return str(connections[using].vendor)


def _pg_tools(using: str) -> bool:
    """pg_dump and pg_restore are installed and not older than the server."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        return False
    out = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True, check=False)
    found = re.search(r"(\d+)\.", out.stdout)
    connection = connections[using]
    connection.ensure_connection()
    server = int(connection.pg_version) // 10000  # type: ignore[attr-defined]
    return bool(found) and int(found[1]) >= server  # type: ignore[index]


def _pg_args(using: str) -> tuple[list[str], dict[str, str]]:
    s = connections[using].settings_dict
    args = ["--dbname", str(s["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if s.get(key):
            args += [flag, str(s[key])]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def _sqlite(using: str) -> sqlite3.Connection:
    connection = connections[using]
    connection.ensure_connection()
    return connection.connection  # type: ignore[no-any-return]


def backup(path: str | Path, *, using: str = "default", portable: bool = False) -> str:
    """Write a backup of database `using` to `path`; returns the method used."""
    path = Path(path)
    if path.exists():
        path.unlink()  # the SQLite backup would otherwise merge into an existing file
    vendor = _vendor(using)
    if vendor == "sqlite" and not portable:
        target = sqlite3.connect(path)
        try:
            _sqlite(using).backup(target)
        finally:
            target.close()
        return "sqlite"
    if vendor == "postgresql" and not portable and _pg_tools(using):
        args, env = _pg_args(using)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(path),
                *args,
            ],
            env,
        )
        return "pg_dump"
    call_command(
        "dumpdata",
        "--natural-foreign",
        format="xml",
        exclude=["contenttypes", "auth.permission", "sessions"],
        output=str(path),
        database=using,
        verbosity=0,
    )
    return "xml"


def kind_of(path: str | Path) -> str:
    """The kind of backup file at `path`: "sqlite", "pg_dump" or "xml"."""
    with Path(path).open("rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "pg_dump"
    if head.startswith(b"<?xml"):
        return "xml"
    raise BackupError(f"{path} is not a backup written by `kechuang backup`")


def holds_data(using: str = "default") -> bool:
    """Whether the database holds anything beyond what `migrate` loads."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in DATA_TABLES:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    return True
    return False


def restore(path: str | Path, *, using: str = "default", force: bool = False) -> str:
    """Replace database `using` by the backup at `path`; refused over data unless `force`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    kind = kind_of(path)
    vendor = _vendor(using)
    if (kind, vendor) in (("sqlite", "postgresql"), ("pg_dump", "sqlite")):
        raise BackupError(
            f"{path} is a {kind} backup and this database is {vendor}: "
            "back up with --portable to move between engines"
        )
    if holds_data(using) and not force:
        raise BackupError("the database already holds data: restore with --force to replace it")
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(_sqlite(using))
        finally:
            source.close()
    elif kind == "pg_dump":
        connections[using].close()  # pg_restore drops the tables: hold no lock on them
        args, env = _pg_args(using)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(path),
            ],
            env,
        )
    else:
        _load_dump(path, using)
    connections[using].close()
    return kind


def _load_dump(path: Path, using: str) -> None:
    connection = connections[using]
    tables = [
        t
        for t in connection.introspection.django_table_names(only_existing=True)
        if t not in SCHEMA_TABLES
    ]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "backup.xml"  # loaddata knows the format by the suffix
        fixture.symlink_to(path.resolve())
        with transaction.atomic(using=using):
            connection.ops.execute_sql_flush(statements)
            call_command("loaddata", str(fixture), database=using, verbosity=0)


def checksums(using: str = "default") -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows in a stable order: equal before a
    backup and after its restore."""
    connection = connections[using]
    quote = connection.ops.quote_name
    result: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT * FROM {quote(table)} LIMIT 0")
            order = ", ".join(str(i + 1) for i in range(len(cursor.description or ())))
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")
            digest = hashlib.sha256()
            n = 0
            for row in cursor.fetchall():
                digest.update(repr(_plain(row)).encode())
                n += 1
            result[table] = (n, digest.hexdigest())
    return result


def _plain(row: Any) -> tuple[Any, ...]:
    # memoryview (bytea) has no stable repr
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
