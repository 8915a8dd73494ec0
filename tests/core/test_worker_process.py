"""A real `kechuang worker` process on a file SQLite database: it runs a job to its end,
stops on SIGTERM; killed with -9 mid-job, the sweep fails the job with the reason and a
retry runs the work again. No mocks: the worker is the console command."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    where = tmp_path_factory.mktemp("worker")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{where / 'db.sqlite3'}",
        "KECHUANG_VAR_DIR": str(where / "var"),
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "JOBS_POLL": "0.1",
        "JOBS_HEARTBEAT": "0.5",
        "JOBS_PROGRESS_EVERY": "0.1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    kechuang(env, "migrate", "-v0")
    shell(env, "from kechuang.core.models import User; User.objects.create_superuser('root')")
    return env


def kechuang(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "kechuang.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def shell(env: dict[str, str], code: str) -> str:
    return kechuang(env, "shell", "-c", code)


def enqueue(env: dict[str, str], params: str) -> int:
    code = (
        "from kechuang.core import jobs; from kechuang.core.models import User; "
        f"print(jobs.enqueue('core.selftest', actor=User.objects.get(username='root'), "
        f"params={params}).pk)"
    )
    return int(shell(env, code).splitlines()[-1])


def row(env: dict[str, str], pk: int) -> dict[str, object]:
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        found = db.execute("SELECT * FROM core_job WHERE id = ?", [pk]).fetchone()
    return dict(found)


def wait_for(test, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


def start_worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kechuang.cli", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_worker_process_runs_a_job_and_stops_on_sigterm(env):
    pk = enqueue(env, "{'steps': 5, 'pause': 0.1}")
    worker = start_worker(env)
    try:
        wait_for(lambda: row(env, pk)["status"] == "succeeded")
    finally:
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, out
    done = row(env, pk)
    assert (done["done"], done["total"], done["pid"]) == (5, 5, worker.pid)
    assert "stopped after 1 jobs" in out


def test_a_killed_worker_s_job_is_swept_failed_and_retried(env):
    pk = enqueue(env, "{'steps': 30, 'pause': 0.1}")
    worker = start_worker(env)
    wait_for(lambda: row(env, pk)["status"] == "running" and int(row(env, pk)["done"]) >= 3)
    worker.kill()  # SIGKILL: no chance to record anything
    worker.wait(timeout=30)
    assert row(env, pk)["status"] == "running"  # as the dead worker left it

    swept = shell(env, "from kechuang.core import jobs; print([j.pk for j in jobs.sweep()])")
    assert swept.splitlines()[-1] == f"[{pk}]"
    failed = row(env, pk)
    assert failed["status"] == "failed"
    assert f"执行进程 {worker.pid} 已退出" in str(failed["error"])
    assert 3 <= int(failed["done"]) < 30  # how far it got

    again = shell(
        env,
        "from kechuang.core import jobs; from kechuang.core.models import Job, User; "
        f"print(jobs.retry(Job.objects.get(pk={pk}), User.objects.get(username='root')).pk)",
    )
    new_pk = int(again.splitlines()[-1])
    assert row(env, new_pk)["retry_of_id"] == pk
    worker = start_worker(env)
    try:
        wait_for(lambda: row(env, new_pk)["status"] == "succeeded")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=30)
    assert row(env, new_pk)["done"] == 30


def test_a_running_job_cancelled_from_elsewhere_stops_and_stays_cancelled(env):
    pk = enqueue(env, "{'steps': 100, 'pause': 0.1}")
    worker = start_worker(env)
    try:
        wait_for(lambda: row(env, pk)["status"] == "running" and int(row(env, pk)["done"]) >= 3)
        shell(
            env,
            "from kechuang.core import jobs; from kechuang.core.models import Job, User; "
            f"jobs.cancel(Job.objects.get(pk={pk}), User.objects.get(username='root'))",
        )
        wait_for(lambda: row(env, pk)["finished_at"] is not None)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=30)
    ended = row(env, pk)
    assert ended["status"] == "cancelled", ended
    assert int(ended["done"]) < 99
    assert "stopped: cancelled" in out and worker.returncode == 0
