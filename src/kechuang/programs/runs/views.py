"""Pages of batch runs: the list and the form to start one, a run's progress and results
(filtered, exported), and an enterprise's own latest results with their explanations."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from kechuang.core.views_jobs import export_page
from kechuang.programs.pages import lang, own_enterprise
from kechuang.programs.runs import selectors as sel
from kechuang.programs.runs import services as service
from kechuang.programs.runs.filters import ResultFilter
from kechuang.programs.runs.forms import RunForm
from kechuang.programs.runs.models import codes_by_position
from kechuang.programs.specs import program_title, split
from kechuang.registry.exporting import FORMATS, ExportColumn, Format, export_queryset, yes_no

PAGE_SIZE = 50


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    runs = sel.run_list(user=request.user)
    return render(
        request,
        "programs/runs/run_list.html",
        {
            "page": _page(request, runs),
            "can_run": service.can_run(request.user),
            "form": RunForm(user=request.user) if service.can_run(request.user) else None,
        },
    )


@login_required
def run_create(request: HttpRequest) -> HttpResponse:
    if not service.can_run(request.user):
        raise PermissionDenied
    form = RunForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        program, year = split(form.cleaned_data["spec"])
        region = form.cleaned_data["region"]
        try:
            outcome = service.run_evaluation(
                actor=request.user,
                program=program,
                year=year,
                region=region.code if region else None,
                background=True,
                key=form.cleaned_data["submission"] or None,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return redirect("programs:run_detail", pk=outcome.run.pk)
    return render(request, "programs/runs/run_form.html", {"form": form})


def _counts(run: Any) -> list[tuple[Any, int]]:
    return [
        (_("参评企业"), run.evaluated),
        (_("通过"), run.passed),
        (_("未通过"), run.failed),
        (_("不符合基本条件"), run.ineligible),
    ]


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(sel.run_list(user=request.user), pk=pk)
    context: dict[str, Any] = {"run": run, "counts": _counts(run), "title": _title(run)}
    if getattr(request, "htmx", None):  # the status panel polls while the run goes on
        if not run.finished:
            return render(request, "programs/runs/_status.html", context)
        response = HttpResponse()
        response["HX-Refresh"] = "true"  # finished: the whole page, with its results
        return response
    if run.done:
        rows = sel.run_results(user=request.user, run=run).order_by("-score", "pk")
        filterset = ResultFilter(request.GET or None, queryset=rows)
        context |= {"filter": filterset, "page": _page(request, filterset.qs)}
    return render(request, "programs/runs/run_detail.html", context)


def _title(run: Any) -> str:
    return f"{program_title(run.program, lang())} {run.year}"


def _verdict(value: Any) -> Any:
    return _("通过") if value == "pass" else _("未通过")


RESULT_COLUMNS = (
    ExportColumn("enterprise__uscc", _("统一社会信用代码")),
    ExportColumn("enterprise__name", _("企业名称")),
    ExportColumn("enterprise__city__name", _("所属市")),
    ExportColumn("enterprise__industry_id", _("行业代码")),
    ExportColumn("eligible", _("符合基本条件"), yes_no),
    ExportColumn("score", _("得分")),
    ExportColumn("verdict", _("结论"), _verdict),
    ExportColumn("qualified_by", _("认定方式")),
    ExportColumn("stage", _("阶段")),
    ExportColumn("rank", _("组内排名")),
    ExportColumn("percentile", _("百分位")),
    ExportColumn("tier", _("榜单")),
)


def result_columns(run: Any) -> tuple[ExportColumn, ...]:
    """The export's columns; a row's reason codes are positions in its run's `reason_keys`."""
    keys = list(run.reason_keys or [])

    def reasons(value: Any) -> str:
        return ";".join(codes_by_position(value, keys))

    return (*RESULT_COLUMNS, ExportColumn("reasons", _("原因代码"), reasons))


@login_required
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(sel.run_list(user=request.user), pk=pk)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        return HttpResponseBadRequest("format must be xlsx or csv")
    if fmt == "xlsx":  # tens of thousands of rows: written by a job
        back = reverse("programs:run_detail", args=[run.pk])
        title = f"{_title(run)} #{run.pk}"
        return export_page(
            request, "programs.run_results", title=title, back=back, extra={"run": run.pk}
        )
    rows = ResultFilter(request.GET, queryset=sel.run_results(user=request.user, run=run)).qs
    data = export_queryset(rows.order_by("-score", "pk"), result_columns(run), cast(Format, fmt))
    response = HttpResponse(data, content_type=FORMATS[fmt])
    name = f"评价结果-{run.program}-{run.year}-{run.pk}-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


@login_required
def my_results(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request)
    language = lang()
    items = [
        {
            "result": r,
            "title": program_title(r.program, language),
            "sentences": sel.explanation(r, language),
        }
        for r in sel.latest_results(user=request.user, enterprise=enterprise)
    ]
    return render(
        request, "programs/runs/my_results.html", {"enterprise": enterprise, "items": items}
    )
