"""`kechuang worker`: the loop that claims queued jobs and runs them, one at a time.

Run as many worker processes as the machine allows; each claims safely (core/jobs.claim).
SIGTERM (or Ctrl-C) stops the loop after the job in hand; the job's heartbeat is beaten by a
small thread of this process while the handler works, so a long step without progress
reports is not mistaken for a dead worker.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import threading
import time
from types import FrameType

from django.conf import settings
from django.db import close_old_connections, connection, connections

from kechuang.core import idempotency, jobs, uploads

log = logging.getLogger("kechuang.jobs")


class Worker:
    def __init__(
        self,
        *,
        poll: float | None = None,
        sweep_every: float = 60.0,
        max_jobs: int | None = None,
        parent: int | None = None,
    ) -> None:
        self.id = f"{jobs.HOST}:{os.getpid()}:{secrets.token_hex(3)}"
        self.poll = poll if poll is not None else settings.JOBS_POLL
        self.sweep_every = sweep_every
        self.max_jobs = max_jobs
        self.parent = parent  # exit when this process (the demo's server) is gone
        self.stopping = threading.Event()

    def stop(self, signum: int = 0, frame: FrameType | None = None) -> None:
        if not self.stopping.is_set():
            log.info("worker %s stopping (signal %s) after the job in hand", self.id, signum)
        self.stopping.set()

    def run(self) -> int:
        """Loop until stopped; returns the number of jobs run."""
        before = {s: signal.signal(s, self.stop) for s in (signal.SIGTERM, signal.SIGINT)}
        log.info("worker %s started; kinds: %s", self.id, ", ".join(sorted(jobs.KINDS)))
        ran = 0
        swept_at = 0.0
        while not self.stopping.is_set():
            if self.parent and not jobs.pid_alive(self.parent):
                log.info("worker %s: parent %s is gone", self.id, self.parent)
                break
            if not connection.in_atomic_block:  # not inside a test's transaction
                close_old_connections()
            if time.monotonic() - swept_at >= self.sweep_every:
                jobs.sweep(me=self.id)
                uploads.sweep_stored()
                idempotency.sweep()
                swept_at = time.monotonic()
            row = jobs.claim(self.id)
            if row is None:
                self.stopping.wait(self.poll)
                continue
            log.info("worker %s runs job %s #%s", self.id, row.kind, row.pk)
            try:
                with Heartbeat(row.pk):
                    jobs.execute(row)
            except Exception:
                log.exception("worker %s could not record the end of job #%s", self.id, row.pk)
                _close_idle()
                jobs.fail(row, "执行进程未能记录任务结束,见日志")
            ran += 1
            if self.max_jobs is not None and ran >= self.max_jobs:
                break
        for signum, handler in before.items():  # a worker run inside a test gives them back
            signal.signal(signum, handler)
        _close_idle()
        log.info("worker %s stopped after %s jobs", self.id, ran)
        return ran


class Heartbeat:
    """Writes a running job's progress and heartbeat from a thread of its own (and its own
    database connection): every JOBS_PROGRESS_EVERY seconds when the progress moved, every
    JOBS_HEARTBEAT seconds otherwise."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.done = threading.Event()
        self.state: tuple[int, int, str] | None = None
        self.written: tuple[int, int, str] | None = None
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        jobs.attach(self.job_id, self.report)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        jobs.attach(self.job_id, None)
        self.done.set()
        self.thread.join(timeout=30)

    def report(self, done: int, total: int, phase: str) -> None:
        self.state = (done, total, phase)

    def _write(self) -> None:
        state = self.state
        try:
            jobs.beat(self.job_id, state if state != self.written else None)
            self.written = state
        except Exception:  # a locked SQLite file: the next beat will do
            log.warning("heartbeat of job #%s not written", self.job_id, exc_info=True)

    def _beat(self) -> None:
        tick = min(settings.JOBS_PROGRESS_EVERY, settings.JOBS_HEARTBEAT)
        last = time.monotonic()
        try:
            while not self.done.wait(tick):
                if self.state != self.written or time.monotonic() - last >= settings.JOBS_HEARTBEAT:
                    self._write()
                    last = time.monotonic()
            if self.state != self.written:
                self._write()  # the last progress the handler reported
        finally:
            _close_idle()


def _close_idle() -> None:
    """Close this thread's connections between jobs, except one inside a transaction: a
    worker run by a test inside the test's transaction must not end that transaction."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()
