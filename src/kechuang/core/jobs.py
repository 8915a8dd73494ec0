"""Durable background jobs on the database (DESIGN.md §3): no extra server, no threads in
the web workers.

A page or API call `enqueue`s a `Job` row; `kechuang worker` (core/worker.py) claims queued
rows and runs the handler registered for the row's kind with `@job("kind")`. Handlers report
`progress`, which also beats the job's heartbeat. `sweep` fails the jobs whose worker died
(its process is gone on this host, or its heartbeat is too old elsewhere) and lets the kind
clean up after it (a half-written run's results). A failed job can be `retry`-ed.

django-tasks (the backport of Django 6's tasks) was the first choice, but its database
backend keeps no progress, no heartbeat, no dead-worker detection and no limit on heavy
work, so every requirement here would have been a second row beside its own: this module is
the small queue those requirements need, with the same shape (a decorated function per kind).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit
from kechuang.core.models import Job
from kechuang.core.roles import Role
from kechuang.core.scoping import role_of

log = logging.getLogger("kechuang.jobs")
S = Job.Status
HOST = socket.gethostname()[:100]


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Callable[[Job], Any]
    heavy: bool
    label: Any
    # Called when a job of this kind ends failed outside its handler (its worker died), so
    # the domain row says so too and nothing half-written stays behind.
    cleanup: Callable[[Job, str], None] | None


KINDS: dict[str, Kind] = {}


class Cancelled(Exception):
    """Raised in a handler's `progress` call once its job was cancelled: the handler's
    transaction rolls back as for any failure, and the job stays cancelled."""


def job(
    name: str,
    *,
    heavy: bool = False,
    label: Any = None,
    cleanup: Callable[[Job, str], None] | None = None,
) -> Callable[[Callable[[Job], Any]], Callable[[Job], Any]]:
    """Register the decorated function as the handler of jobs of kind `name`."""

    def register(handler: Callable[[Job], Any]) -> Callable[[Job], Any]:
        KINDS[name] = Kind(name, handler, heavy, label or name, cleanup)
        return handler

    return register


def label(kind: str) -> Any:
    return KINDS[kind].label if kind in KINDS else kind


# --- who sees a job ---------------------------------------------------------------------


def scope_of(user: Any) -> str:
    """The scope a job started by `user` is shared with."""
    role = role_of(user)
    if role == Role.PROVINCE_ADMIN:
        return "province"
    if role == Role.CITY_ADMIN and user.city_id:
        return f"city:{user.city_id}"
    if role == Role.ZONE_ADMIN and user.zone_id:
        return f"zone:{user.zone_id}"
    if role and getattr(user, "organization_id", None):
        return f"org:{role}:{user.organization_id}"
    return f"user:{user.pk}" if user is not None and user.pk else ""


def visible(user: Any) -> QuerySet[Job]:
    """The jobs `user` may see (and whose files it may download): its own and its scope's;
    the province sees every job."""
    jobs = Job.objects.select_related("created_by")
    if role_of(user) is None:
        return jobs.none()
    if role_of(user) == Role.PROVINCE_ADMIN:
        return jobs
    return jobs.filter(Q(created_by=user) | Q(scope=scope_of(user)))


# --- queueing ---------------------------------------------------------------------------


def enqueue(
    kind: str,
    *,
    actor: Any,
    params: dict[str, Any] | None = None,
    key: str | None = None,
    heavy: bool | None = None,
    subject: str = "",
    city: str | None = None,
) -> Job:
    """Queue a job of `kind`; with `key`, a second call (a retried POST) returns the first job.

    Inside a transaction the worker sees the job only once it commits. With the setting
    `JOBS_INLINE` (tests) the job runs at once in this process."""
    if kind not in KINDS:
        raise ValueError(f"no handler for job kind {kind!r}")
    full_key = _full_key(kind, actor, key)
    if full_key and (found := Job.objects.filter(key=full_key).first()) is not None:
        return found
    row = Job(
        kind=kind,
        heavy=KINDS[kind].heavy if heavy is None else heavy,
        params=params or {},
        subject=subject,
        created_by=audit.user_or_none(actor),
        scope=scope_of(actor) if actor is not None else "",
        city_id=city if city is not None else getattr(actor, "city_id", None),
        key=full_key,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # the same key, submitted at the same moment
        if full_key is None:
            raise
        return Job.objects.get(key=full_key)
    log.info("queued job %s #%s by %s", kind, row.pk, actor)
    if getattr(settings, "JOBS_INLINE", False):
        mark_running(row, worker=f"{HOST}:{os.getpid()}:inline")
        execute(row)
        row.refresh_from_db()
    return row


def _full_key(kind: str, actor: Any, key: str | None) -> str | None:
    # Per user: another user's key must never lead to someone else's job.
    return f"{getattr(actor, 'pk', None) or '-'}:{kind}:{key}"[:120] if key else None


def existing(kind: str, *, actor: Any, key: str | None) -> Job | None:
    """The job `actor` already started with `key`, if any (a second submit of a form)."""
    full_key = _full_key(kind, actor, key)
    return Job.objects.filter(key=full_key).first() if full_key else None


def subject_of(model_row: Any) -> str:
    meta = model_row._meta
    return f"{meta.app_label}.{meta.model_name}:{model_row.pk}"


def for_subject(model_row: Any) -> Job | None:
    """The latest job working on `model_row`."""
    return Job.objects.filter(subject=subject_of(model_row)).order_by("-id").first()


def mark_running(row: Job, *, worker: str) -> None:
    now = timezone.now()
    fields = {
        "status": S.RUNNING,
        "started_at": now,
        "heartbeat_at": now,
        "host": HOST,
        "pid": os.getpid(),
        "worker": worker[:120],
    }
    Job.objects.filter(pk=row.pk).update(**fields)
    for name, value in fields.items():
        setattr(row, name, value)


def claim(worker: str) -> Job | None:
    """Take the oldest queued job this worker may run (heavy ones within JOBS_MAX_HEAVY)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Claims are short; serialising them keeps the count of heavy jobs exact.
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [0x6B6A6F62])
        # On SQLite the transaction is IMMEDIATE (settings): claims are serialised already.
        queued = Job.objects.filter(status=S.QUEUED).order_by("id")
        heavy_running = Job.objects.filter(status=S.RUNNING, heavy=True).count()
        if heavy_running >= settings.JOBS_MAX_HEAVY:
            queued = queued.filter(heavy=False)
        if connection.vendor == "postgresql":
            queued = queued.select_for_update(skip_locked=True)
        row = queued.first()
        if row is None:
            return None
        if not Job.objects.filter(pk=row.pk, status=S.QUEUED).update(status=S.RUNNING):
            return None
        mark_running(row, worker=worker)
    return row


def execute(row: Job) -> Job:
    """Run a claimed job's handler; whatever happens, the row says how it ended."""
    kind = KINDS.get(row.kind)
    jobs = Job.objects.filter(pk=row.pk)
    began = time.monotonic()
    _began_in_atomic[row.pk] = connection.in_atomic_block
    reached: dict[str, Any] = {}  # the last progress reported, written with the end
    try:
        if kind is None:
            raise LookupError(f"no handler for job kind {row.kind!r}")
        try:
            kind.handler(row)
        finally:
            reached = {"done": row.done, "total": row.total, "phase": row.phase}
    except Cancelled:
        log.info("job %s #%s stopped: cancelled", row.kind, row.pk)
        _end(jobs.filter(status=S.CANCELLED), {"finished_at": timezone.now(), **reached})
        _clean_up(row, Job.objects.filter(pk=row.pk).values_list("error", flat=True).get())
    except Exception as exc:
        log.exception("job %s #%s failed", row.kind, row.pk)
        ended = {
            "status": S.FAILED,
            "error": f"{type(exc).__name__}: {exc}"[:4000],
            "traceback": traceback.format_exc()[-20000:],
            "finished_at": timezone.now(),
            **reached,
        }
        _end(jobs, ended)
    else:
        ended = {"status": S.SUCCEEDED, "finished_at": timezone.now(), "error": "", **reached}
        # A cancellation that came after the last progress report came too late: the work
        # is done and committed, and the row says so.
        _end(jobs.filter(status__in=(S.RUNNING, S.CANCELLED)), ended)
        log.info("job %s #%s done in %.2f s", row.kind, row.pk, time.monotonic() - began)
    _last.pop(row.pk, None)
    _began_in_atomic.pop(row.pk, None)
    row.refresh_from_db()
    return row


def _end(rows: QuerySet[Job], fields: dict[str, Any]) -> None:
    """Write how a job ended. A handler that failed mid-read can leave its connection
    unable to write (SQLite): then on a fresh connection, outside any transaction."""
    try:
        rows.update(**fields)
    except OperationalError:
        if connection.in_atomic_block:
            raise
        log.warning("writing the end of a job again on a new connection", exc_info=True)
        connection.close()
        rows.update(**fields)


# --- progress ---------------------------------------------------------------------------

_last: dict[int, tuple[float, str]] = {}  # job id -> (time of the last write, its phase)
# job id -> where a worker collects its progress, written by the worker's reporter thread
_sinks: dict[int, Callable[[int, int, str], None]] = {}
# job id -> whether its handler was called inside a transaction (inline, in tests)
_began_in_atomic: dict[int, bool] = {}
# ids of running jobs found cancelled by their worker's heartbeat
_stopped: set[int] = set()


def progress(row: Job, done: int, total: int, phase: str = "", *, force: bool = False) -> None:
    """Record progress (and beat the heartbeat); writes at most every JOBS_PROGRESS_EVERY
    seconds within one phase, so a loop may call it for every row."""
    row.done, row.total, row.phase = done, total, phase[:40]
    if row.pk in _stopped:
        _stopped.discard(row.pk)
        raise Cancelled(_("任务已取消"))
    sink = _sinks.get(row.pk)
    if sink is not None:
        # In a worker the handler's connection never writes the row while it works: on
        # SQLite a write there fails ("database is locked") while that connection still
        # reads a cursor begun before another connection's write. The reporter writes it.
        sink(done, total, row.phase)
        return
    now = time.monotonic()
    last = _last.get(row.pk)
    every = settings.JOBS_PROGRESS_EVERY
    if not force and last and last[1] == phase and now - last[0] < every:
        return
    if connection.in_atomic_block and not _began_in_atomic.get(row.pk, True):
        # Inside the handler's own transaction the write would show only at its end, and on
        # PostgreSQL it would hold the row the heartbeat writes: skip it.
        return
    _last[row.pk] = (now, phase)
    written = (
        Job.objects.filter(pk=row.pk)
        .exclude(status=S.CANCELLED)
        .update(done=done, total=total, phase=row.phase, heartbeat_at=timezone.now())
    )
    if not written:
        raise Cancelled(_("任务已取消"))


def fail(row: Job, reason: str) -> None:
    """Mark a running job failed with `reason` (when its own end could not be written)."""
    try:
        ended = {"status": S.FAILED, "error": reason, "finished_at": timezone.now()}
        Job.objects.filter(pk=row.pk, status=S.RUNNING).update(**ended)
    except Exception:
        log.exception("job %s #%s could not be marked failed", row.kind, row.pk)


def beat(job_id: int, state: tuple[int, int, str] | None = None) -> None:
    """Beat the heartbeat of a running job, writing its progress `state` with it. A job no
    longer running was cancelled (or swept): its handler stops at its next progress call."""
    fields: dict[str, Any] = {"heartbeat_at": timezone.now()}
    if state is not None:
        fields.update(done=state[0], total=state[1], phase=state[2])
    if not Job.objects.filter(pk=job_id, status=S.RUNNING).update(**fields):
        _stopped.add(job_id)


def attach(job_id: int, sink: Callable[[int, int, str], None] | None) -> None:
    """Send a job's progress to `sink` (a worker's reporter) rather than to the database."""
    if sink is None:
        _sinks.pop(job_id, None)
    else:
        _sinks[job_id] = sink


def save_result(row: Job, name: str, content: bytes | File[Any]) -> None:
    """Store the file a job produced (an export) under MEDIA_ROOT/jobs/."""
    data = ContentFile(content) if isinstance(content, bytes) else content
    row.result.save(f"job-{row.pk}-{name}", data, save=False)
    row.result_name = name[:200]
    Job.objects.filter(pk=row.pk).update(result=row.result.name, result_name=row.result_name)


# --- the end of jobs ----------------------------------------------------------------------


def can_retry(user: Any, row: Job) -> bool:
    return row.status in (S.FAILED, S.CANCELLED) and visible(user).filter(pk=row.pk).exists()


def retry(row: Job, actor: Any) -> Job:
    """Queue the work of a failed (or cancelled) job again, as a new job."""
    if not can_retry(actor, row):
        raise PermissionDenied
    again = enqueue(
        row.kind,
        actor=actor,
        params=row.params,
        heavy=row.heavy,
        subject=row.subject,
        city=row.city_id,
        key=f"retry-{row.pk}",  # retrying twice gives the same new job
    )
    if again.retry_of_id is None:
        Job.objects.filter(pk=again.pk).update(retry_of=row)
        again.retry_of = row
    return again


CANCELLED = _("已由 %(who)s 取消")


def may_cancel(user: Any, row: Job) -> bool:
    """The one who asked for a job, or an administration that sees it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return row.created_by_id == user.pk or role_of(user) in (Role.PROVINCE_ADMIN, Role.CITY_ADMIN)


def can_cancel(user: Any, row: Job) -> bool:
    """`may_cancel`, and the job has not ended: the page shows the button."""
    return not row.finished and may_cancel(user, row)


def cancel(row: Job, actor: Any) -> bool:
    """Cancel a queued job at once, or a running one at its handler's next progress report
    (its work rolls back, as for a failure). False when it had ended already."""
    if not visible(actor).filter(pk=row.pk).exists() or not may_cancel(actor, row):
        raise PermissionDenied
    ended = {
        "status": S.CANCELLED,
        "error": str(CANCELLED % {"who": actor}),
        "finished_at": timezone.now(),
    }
    if Job.objects.filter(pk=row.pk, status=S.QUEUED).update(**ended):
        log.info("queued job %s #%s cancelled by %s", row.kind, row.pk, actor)
        _clean_up(row, str(ended["error"]))  # its domain row must not wait for it forever
        return True
    if Job.objects.filter(pk=row.pk, status=S.RUNNING).update(**ended):
        log.info("running job %s #%s cancelled by %s", row.kind, row.pk, actor)
        return True
    return False


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child not yet reaped by its parent is a zombie: dead all the same
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _death(row: Job, me: str | None, stale_before: Any) -> str | None:
    """Why `row`'s worker is dead, or None while it lives."""
    if row.host == HOST and row.pid:
        if row.pid == os.getpid() and row.worker != me:
            return f"执行进程 {row.pid} 已重启(worker {row.worker} 已不在运行)"
        if not pid_alive(row.pid):
            return f"执行进程 {row.pid} 已退出(worker {row.worker})"
        return None
    if row.heartbeat_at is None or row.heartbeat_at < stale_before:
        return f"执行进程 {row.worker} 超过 {settings.JOBS_STALE_AFTER} 秒没有心跳"
    return None


def sweep(me: str | None = None) -> list[Job]:
    """Fail the running jobs whose worker died, with the reason; returns them."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.JOBS_STALE_AFTER)
    swept = []
    for row in Job.objects.filter(status=S.RUNNING):
        reason = _death(row, me, stale_before)
        if reason is None:
            continue
        ended = {"status": S.FAILED, "error": reason, "finished_at": now}
        if not Job.objects.filter(pk=row.pk, status=S.RUNNING, worker=row.worker).update(**ended):
            continue  # it ended meanwhile
        log.error("job %s #%s failed: %s", row.kind, row.pk, reason)
        _clean_up(row, reason)
        row.refresh_from_db()
        swept.append(row)
    return swept


def _clean_up(row: Job, reason: str) -> None:
    """Let the job's kind mark its domain row (a run, an import) ended with `reason`."""
    kind = KINDS.get(row.kind)
    if kind is None or kind.cleanup is None:
        return
    try:
        kind.cleanup(row, reason)
    except Exception:
        log.exception("cleaning up after job %s #%s failed", row.kind, row.pk)
