"""Bring the database up to date and hand the process over to gunicorn."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def migrate_if_needed() -> bool:
    if pending_migrations():
        call_command("migrate", interactive=False, verbosity=1)
        return True
    return False


def gunicorn_argv(port: int, workers: int = 2) -> list[str]:
    exe = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    return [
        exe,
        "kechuang.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
    ]


def exec_gunicorn(port: int) -> None:
    """Replace this process by gunicorn (never returns)."""
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()
    argv = gunicorn_argv(port)
    sys.stdout.flush()
    sys.stderr.flush()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    os.execv(argv[0], argv)
