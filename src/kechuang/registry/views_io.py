"""Import and export pages. Thin: the importing and exporting modules do the work.

Exports apply the list's own FilterSet to the list's scoped selector, so a file holds
exactly the rows the list shows for the same query string.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import django_filters as df
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from kechuang.core import uploads
from kechuang.core.forms import SubmissionKey
from kechuang.core.views_jobs import export_page
from kechuang.registry import exporting, filters, selectors, services
from kechuang.registry.exporting import FORMATS, ExportColumn, Format, export_queryset
from kechuang.registry.importing import can_import
from kechuang.registry.importing.columns import COLUMNS
from kechuang.registry.importing.jobs import import_job_list, import_job_submit
from kechuang.registry.importing.report import report_csv, report_rows, report_xlsx
from kechuang.registry.importing.template import template_workbook

UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
SHOWN_ERRORS = 500  # on the page; the downloadable report has them all


def _file(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}") or ""
    return response


@dataclass(frozen=True)
class Export:
    rows: Callable[..., QuerySet[Any]]  # the list's scoped selector
    filterset: type[df.FilterSet]
    columns: tuple[ExportColumn, ...]
    filename: str


EXPORTS: dict[str, Export] = {
    "enterprise": Export(
        selectors.enterprise_list, filters.EnterpriseFilter, exporting.ENTERPRISE_COLUMNS, "企业"
    ),
    "institution": Export(
        selectors.institution_list,
        filters.InstitutionFilter,
        exporting.INSTITUTION_COLUMNS,
        "高校院所",
    ),
    "service_institution": Export(
        selectors.service_institution_list,
        filters.ServiceInstitutionFilter,
        exporting.SERVICE_INSTITUTION_COLUMNS,
        "服务机构",
    ),
    "bank": Export(selectors.bank_list, filters.BankFilter, exporting.BANK_COLUMNS, "银行"),
    "platform": Export(
        selectors.platform_list, filters.PlatformFilter, exporting.PLATFORM_COLUMNS, "平台"
    ),
}


def _format(request: HttpRequest) -> Format | None:
    fmt = request.GET.get("format", "xlsx")
    return cast(Format, fmt) if fmt in FORMATS else None


@login_required
def export_list(request: HttpRequest, kind: str) -> HttpResponse:
    spec = EXPORTS.get(kind)
    if spec is None:
        raise Http404
    fmt = _format(request)
    if fmt is None:
        return HttpResponseBadRequest("format must be xlsx or csv")
    if fmt == "xlsx":  # a workbook of a whole list is a job; the CSV is quick enough here
        back = reverse(f"registry:{kind}_list")
        return export_page(request, f"registry.{kind}", title=spec.filename, back=back)
    rows = spec.filterset(request.GET, queryset=spec.rows(user=request.user)).qs
    services.bank_reads_exported(user=request.user, rows=rows)
    stamp = timezone.localdate().isoformat()
    return _file(
        export_queryset(rows, spec.columns, fmt, user=request.user), fmt, f"{spec.filename}-{stamp}"
    )


@login_required
def export_enterprise_years(request: HttpRequest) -> HttpResponse:
    """The yearly data of the listed enterprises, in the import format."""
    fmt = _format(request)
    if fmt is None:
        return HttpResponseBadRequest("format must be xlsx or csv")
    if fmt == "xlsx":
        back = reverse("registry:enterprise_list")
        return export_page(request, "registry.enterprise_year", title=_("企业年度数据"), back=back)
    enterprises = filters.EnterpriseFilter(
        request.GET, queryset=selectors.enterprise_list(user=request.user)
    ).qs
    rows = exporting.enterprise_years_of(user=request.user, enterprises=enterprises)
    services.bank_reads_exported(user=request.user, rows=rows)
    data = export_queryset(rows, exporting.ENTERPRISE_YEAR_COLUMNS, fmt, user=request.user)
    return _file(data, fmt, f"企业年度数据-{timezone.localdate().isoformat()}")


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    return _file(template_workbook(), "xlsx", "企业年度数据导入模板")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("数据文件"), help_text=_("按导入模板填写的 .xlsx 或 .csv 文件"))
    dry_run = forms.BooleanField(label=_("仅校验,不写入"), required=False)
    submission = SubmissionKey()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(_("请上传 .xlsx 或 .csv 文件"))
        uploads.validate_size(upload)
        return upload


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_submit(
            actor=request.user,
            upload=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            key=form.cleaned_data["submission"] or None,
        )
        return redirect("registry:import_job", pk=job.pk)
    context = {
        "form": form,
        "jobs": import_job_list(user=request.user)[:10],
        "columns": COLUMNS,
    }
    return render(request, "registry/io/upload.html", context)


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(import_job_list(user=request.user), pk=pk)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        data = report_csv(job.errors) if fmt == "csv" else report_xlsx(job.errors)
        return _file(data, fmt, f"导入错误报告-{job.pk}")
    context = {
        "job": job,
        "tables": _count_rows(job.counts),
        "errors": report_rows(job.errors[:SHOWN_ERRORS]),
    }
    htmx = getattr(request, "htmx", None)
    template = "registry/io/_job_status.html" if htmx else "registry/io/job.html"
    return render(request, template, context)


TABLE_LABELS = {"enterprise": _("企业"), "enterprise_year": _("企业年度数据")}


def _count_rows(counts: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    return [
        {"label": TABLE_LABELS.get(key, key), **value}
        for key, value in counts.items()
        if isinstance(value, dict)
    ]


# URL helpers for urls_io: one export view per kind.
def export_view(kind: str) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        return export_list(request, kind)

    view.__name__ = f"{kind}_export"
    return view
