"""Bring the database up to date and serve the demo: gunicorn and, beside it, a
`kechuang worker` for the background jobs; both stop together."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType

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
        # Drops gunicorn's Server header: the site does not announce its software.
        "--config",
        "python:kechuang.gunicorn_conf",
    ]


def worker_argv() -> list[str]:
    # --parent: the worker also ends if this process is killed without a chance to stop it.
    return [sys.executable, "-m", "kechuang.cli", "worker", "--parent", str(os.getpid())]


def exec_gunicorn(port: int) -> int:
    """Run gunicorn and a worker until gunicorn ends or this process is asked to stop;
    returns gunicorn's exit status."""
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    worker = subprocess.Popen(worker_argv())
    server = subprocess.Popen(gunicorn_argv(port))

    def forward(signum: int, frame: FrameType | None) -> None:
        server.send_signal(signal.SIGTERM)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    try:
        status = server.wait()
    finally:
        worker.send_signal(signal.SIGTERM)  # it finishes the job in hand, then exits
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
    return status
