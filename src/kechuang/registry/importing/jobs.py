"""Imports from the web: an ImportJob row per upload, run by `kechuang worker` as a durable
job (core/jobs.py) that keeps the ImportJob's progress and outcome.

The ImportJob row is written outside the import's transaction, so a page polling it sees the
phase and the rows validated so far; the import's own changes appear all at once.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kechuang.core import audit, jobs, scoping
from kechuang.core.models import AuditEntry, Job
from kechuang.core.roles import Role
from kechuang.registry.importing import can_import, import_file
from kechuang.registry.models import ImportJob

KIND = "registry.import"
PROGRESS_EVERY = 0.5  # seconds between progress writes
log = logging.getLogger("kechuang.imports")


def import_job_list(*, user: Any) -> QuerySet[ImportJob]:
    """The import jobs `user` may see: the province all, a city bureau those of its city."""
    if not can_import(user):
        return ImportJob.objects.none()
    return scoping.visible(ImportJob.objects.select_related("created_by"), user)


def import_job_submit(
    *, actor: Any, upload: UploadedFile, dry_run: bool = False, key: str | None = None
) -> ImportJob:
    """Store the uploaded file and queue its import; a second submit with the same `key`
    returns the first ImportJob."""
    scoping.require(can_import(actor))
    found = jobs.existing(KIND, actor=actor, key=key)
    if found is not None:
        return ImportJob.objects.get(pk=found.params["import_job"])
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
        queued = jobs.enqueue(
            KIND,
            actor=actor,
            params={"import_job": job.pk},
            key=key,
            subject=jobs.subject_of(job),
            city=city,
        )
    job.refresh_from_db()
    log.info("import %s (%s) queued as job #%s", job.pk, job.file_name, queued.pk)
    return job


def _abandoned(row: Job, reason: str) -> None:
    """The worker died: the import's transaction was rolled back; say so on the ImportJob."""
    ImportJob.objects.filter(
        pk=row.params["import_job"], status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING]
    ).update(
        status=ImportJob.Status.FAILED,
        phase=ImportJob.Phase.DONE,
        message=reason[:2000],
        finished_at=timezone.now(),
    )


@jobs.job(KIND, heavy=True, cleanup=_abandoned)
def import_task(row: Job) -> None:
    run(row.params["import_job"], job=row)


def run(job_id: int, job: Job | None = None) -> ImportJob:
    """Run an import to its end; whatever happens, the ImportJob row says how it ended."""
    imports = ImportJob.objects.filter(pk=job_id)
    target = imports.select_related("created_by").get()
    imports.update(
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now(),
        finished_at=None,
        message="",
        phase=ImportJob.Phase.READING,
    )
    last_at = {"": 0.0}  # phase -> time of its last write

    def progress(phase: str, done: int, total: int) -> None:
        if job is not None:
            jobs.progress(job, done, total, phase)
        now = time.monotonic()
        if phase in last_at and now - last_at[phase] < PROGRESS_EVERY:
            return
        last_at[phase] = now
        if phase in ("reading", "validating", "checking"):
            imports.update(phase=phase, processed_rows=done, total_rows=total)
        else:
            imports.update(phase=phase)

    try:
        result = import_file(
            target.file.path,
            actor=target.created_by,
            dry_run=target.dry_run,
            name=target.file_name,
            batch=target.batch,
            progress=progress,
        )
    except Exception as exc:  # recorded here, logged with its traceback by the job
        imports.update(
            status=ImportJob.Status.FAILED,
            phase=ImportJob.Phase.DONE,
            message=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    imports.update(
        status=ImportJob.Status.SUCCEEDED if result.ok else ImportJob.Status.REJECTED,
        phase=ImportJob.Phase.DONE,
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
        counts=result.counts,
        errors=result.errors,
        error_count=result.error_count,
        finished_at=timezone.now(),
    )
    log.info("import %s ended %s", job_id, "ok" if result.ok else "with errors")
    return imports.get()
