"""Imports from the web: a job row per upload, run in a background thread with progress.

The job row is written outside the import's transaction, so a page polling it sees the
phase and the rows validated so far; the import's own changes appear all at once.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from kechuang.core import audit, scoping
from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role
from kechuang.registry.importing import can_import, import_file
from kechuang.registry.models import ImportJob

PROGRESS_EVERY = 0.5  # seconds between progress writes


def import_job_list(*, user: Any) -> QuerySet[ImportJob]:
    """The import jobs `user` may see: the province all, a city bureau those of its city."""
    if not can_import(user):
        return ImportJob.objects.none()
    return scoping.visible(ImportJob.objects.select_related("created_by"), user)


def import_job_submit(*, actor: Any, upload: UploadedFile, dry_run: bool = False) -> ImportJob:
    """Store the uploaded file and queue its import, which starts once the job is committed."""
    scoping.require(can_import(actor))
    city = actor.city_id if scoping.role_of(actor) == Role.CITY_ADMIN else None
    with transaction.atomic():
        job = ImportJob(
            file_name=(upload.name or "upload")[-200:],
            dry_run=dry_run,
            created_by=actor,
            city_id=city,
        )
        job.file.save(upload.name or "upload", upload, save=False)
        job.save()
        audit.record(actor, AuditEntry.Action.CREATE, job, None, audit.snapshot(job))
    # Tests may run the job in the caller's thread and transaction.
    if getattr(settings, "IMPORT_JOBS_INLINE", False):
        run(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: start(job.pk))
    return job


def start(job_id: int) -> threading.Thread:
    thread = threading.Thread(
        target=_run_in_thread, args=(job_id,), name=f"import-job-{job_id}", daemon=True
    )
    thread.start()
    return thread


def _run_in_thread(job_id: int) -> None:
    try:
        run(job_id)
    finally:
        connections.close_all()


def run(job_id: int) -> ImportJob:
    """Run a queued job to its end; whatever happens, the job row says how it ended."""
    jobs = ImportJob.objects.filter(pk=job_id)
    job = jobs.select_related("created_by").get()
    jobs.update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), phase=ImportJob.Phase.READING
    )
    last_at = {"": 0.0}  # phase -> time of its last write

    def progress(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase in last_at and now - last_at[phase] < PROGRESS_EVERY:
            return
        last_at[phase] = now
        if phase in ("reading", "validating", "checking"):
            jobs.update(phase=phase, processed_rows=done, total_rows=total)
        else:
            jobs.update(phase=phase)

    try:
        result = import_file(
            job.file.path,
            actor=job.created_by,
            dry_run=job.dry_run,
            name=job.file_name,
            batch=job.batch,
            progress=progress,
        )
    except Exception as exc:  # the job must not stay "running" forever
        jobs.update(
            status=ImportJob.Status.FAILED,
            phase=ImportJob.Phase.DONE,
            message=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    jobs.update(
        status=ImportJob.Status.SUCCEEDED if result.ok else ImportJob.Status.REJECTED,
        phase=ImportJob.Phase.DONE,
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
        counts=result.counts,
        errors=result.errors,
        error_count=result.error_count,
        finished_at=timezone.now(),
    )
    return jobs.get()
