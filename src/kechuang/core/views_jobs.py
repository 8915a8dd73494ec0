"""Pages of background jobs: the list, a job's progress (polled), its file, a retry; and the
page that asks for a large export and queues it (the apps' export views hand over to it)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kechuang.core import exports, jobs
from kechuang.core.forms import SubmissionKey
from kechuang.core.models import Job
from kechuang.core.roles import ADMIN_ROLES
from kechuang.core.scoping import role_of


def can_list(user: Any) -> bool:
    """The jobs page is in the navigation of the administrations."""
    return role_of(user) in ADMIN_ROLES


def describe(row: Job) -> Any:
    return exports.export_label(row) if row.kind == exports.KIND else jobs.label(row.kind)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    rows = jobs.visible(request.user)
    if not can_list(request.user):
        rows = rows.filter(created_by=request.user.pk)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    items = [{"job": j, "label": describe(j)} for j in page]
    return render(request, "core/job_list.html", {"page": page, "items": items})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(jobs.visible(request.user), pk=pk)
    context = {
        "job": row,
        "label": describe(row),
        "can_retry": jobs.can_retry(request.user, row),
        "can_cancel": jobs.can_cancel(request.user, row),
        "retried": row.retries.order_by("-id").first(),
    }
    if getattr(request, "htmx", None):
        return render(request, "core/_job_status.html", context)
    return render(request, "core/job_detail.html", context)


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The job's file, for its owner and the users of its scope (others: 404)."""
    row = get_object_or_404(jobs.visible(request.user), pk=pk)
    if not row.result:
        raise Http404
    return FileResponse(row.result.open("rb"), as_attachment=True, filename=row.result_name)


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(jobs.visible(request.user), pk=pk)
    if not jobs.can_retry(request.user, row):
        raise PermissionDenied
    return redirect("core:job_detail", pk=jobs.retry(row, request.user).pk)


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(jobs.visible(request.user), pk=pk)
    if jobs.cancel(row, request.user):
        said = _("已取消;正在执行的任务会在下一次进度报告时停止并撤销已做的改动")
        messages.success(request, said)
    else:
        messages.info(request, _("任务已结束,无需取消"))
    return redirect("core:job_detail", pk=row.pk)


class ExportForm(forms.Form):
    query = forms.CharField(widget=forms.HiddenInput, required=False)
    submission = SubmissionKey()


def export_page(
    request: HttpRequest,
    name: str,
    *,
    title: Any,
    back: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET: a page that offers the .xlsx export of the list's current filters; POST: queue
    it as a job (the user's scope is applied when the job runs) and show its progress."""
    query = request.GET.copy()
    query.pop("format", None)
    form = ExportForm(request.POST or None, initial={"query": query.urlencode()})
    if request.method == "POST" and form.is_valid():
        row = exports.request_export(
            name,
            actor=request.user,
            query=form.cleaned_data["query"],
            extra=extra,
            key=form.cleaned_data["submission"] or None,
        )
        return redirect("core:job_detail", pk=row.pk)
    context = {"form": form, "title": title, "back": back, "filters": query}
    return render(request, "core/export_request.html", context)
