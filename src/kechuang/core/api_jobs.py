"""Background jobs in the REST API (`/api/v1/jobs/`): the caller's visible jobs (its own and
its scope's; the province all), one job's progress, its cancellation, the retry of a failed
one, and its file (`download_url`, with the same API key or session)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.responses import Status

from kechuang.core import jobs
from kechuang.core.api_support import (
    ERRORS,
    LOGIN_REQUIRED,
    Limit,
    Offset,
    actor,
    login_required,
    page,
    page_schema,
)
from kechuang.core.api_support import path_id as _path_id
from kechuang.core.models import Job

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    status: str
    phase: str
    done: int
    total: int
    percent: int
    error: str
    created_by_id: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    retry_of_id: int | None
    result_name: str
    download_url: str | None

    @staticmethod
    def resolve_download_url(obj: Job) -> str | None:
        return reverse("api:job_file", kwargs={"job_id": obj.pk}) if obj.result else None


JobPage = page_schema(JobOut)


def _op(summary: str, response: Any, status: int = 200) -> dict[str, Any]:
    return login_required(summary, response, status)


@router.get("/jobs", **_op("后台任务列表", JobPage))
def job_list(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Any:
    return page(jobs.visible(actor(request)).order_by("-created_at", "-id"), limit, offset)


@router.get("/jobs/{job_id}", **_op("后台任务详情(进度与结果)", JobOut))
def job_detail(request: HttpRequest, job_id: int = _path_id("任务ID")) -> Any:
    return jobs.visible(actor(request)).get(pk=job_id)


@router.post("/jobs/{job_id}/retry", **_op("重试失败的任务", JobOut, 201))
def job_retry(request: HttpRequest, job_id: int = _path_id("任务ID")) -> Any:
    row = jobs.visible(actor(request)).get(pk=job_id)
    return Status(201, jobs.retry(row, actor(request)))


@router.post("/jobs/{job_id}/cancel", **_op("取消排队中或执行中的任务", JobOut))
def job_cancel(request: HttpRequest, job_id: int = _path_id("任务ID")) -> Any:
    """A running job stops at its next progress report and its work rolls back. Cancelling a
    cancelled job again changes nothing (200); a job that succeeded or failed cannot be
    cancelled (403), as a job that has not failed cannot be retried."""
    row = jobs.visible(actor(request)).get(pk=job_id)
    if not jobs.may_cancel(actor(request), row):
        raise PermissionDenied
    if row.status == Job.Status.CANCELLED:
        return row
    if row.finished:
        raise PermissionDenied
    jobs.cancel(row, actor(request))
    row.refresh_from_db()
    return row


BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_RESPONSE = {
    "responses": {
        200: {"description": "任务生成的文件", "content": {"application/octet-stream": BINARY}}
    }
}


@router.get(
    "/jobs/{job_id}/file",
    response={code: schema for code, schema in ERRORS.items() if code != 200},
    auth=LOGIN_REQUIRED,
    summary="下载任务生成的文件",
    openapi_extra=FILE_RESPONSE,
)
def job_file(request: HttpRequest, job_id: int = _path_id("任务ID")) -> Any:
    row = jobs.visible(actor(request)).get(pk=job_id)
    if not row.result:
        raise Http404
    return FileResponse(row.result.open("rb"), as_attachment=True, filename=row.result_name)
