"""Batch runs and their results in the REST API.

Runs: the province sees all, a city bureau those of its city; starting one follows the same
rules as the page (the run goes on in the background; poll its status). Results: scoped like
the enterprises; each with its explanation in both languages. Anything outside the caller's
scope answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from kechuang.core.api_support import (
    Limit,
    Offset,
    actor,
    apply_filters,
    login_required,
    page,
    path_id,
)
from kechuang.programs.runs import selectors as sel
from kechuang.programs.runs import services as service
from kechuang.programs.runs.filters import ResultFilter
from kechuang.programs.runs.schemas import (
    ResultDetail,
    ResultPage,
    ResultQuery,
    RunIn,
    RunOut,
    RunPage,
)

router = Router(tags=["programs"])


NAMES = {"enterprise_name": F("enterprise__name"), "uscc": F("enterprise__uscc")}


@router.get("/runs", **login_required("批量评价列表", RunPage))
def run_list(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Any:
    return page(sel.run_list(user=actor(request)).order_by("-created_at", "-id"), limit, offset)


@router.post("/runs", **login_required("发起批量评价(后台执行)", RunOut, 201))
def run_create(request: HttpRequest, payload: RunIn) -> Any:
    outcome = service.run_evaluation(
        actor=actor(request),
        program=payload.program,
        year=payload.year,
        region=payload.region,
        source="api",
        background=True,
        # A client retrying the same POST sends the same key and gets the same run.
        key=request.headers.get("Idempotency-Key") or None,
    )
    return Status(201, outcome.run)


@router.get("/runs/{run_id}", **login_required("批量评价详情(进度与统计)", RunOut))
def run_detail(request: HttpRequest, run_id: int = path_id("批量评价ID")) -> Any:
    return sel.run_get(user=actor(request), pk=run_id)


@router.get("/runs/{run_id}/results", **login_required("批量评价结果列表", ResultPage))
def run_results(
    request: HttpRequest,
    filters: Query[ResultQuery],
    run_id: int = path_id("批量评价ID"),
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    user = actor(request)
    rows = sel.run_results(user=user, run=sel.run_get(user=user, pk=run_id)).annotate(**NAMES)
    return page(apply_filters(ResultFilter, filters, rows), limit, offset)


def _detail(result: Any) -> Any:
    result.spec_version = result.run.spec_version
    result.explanation = {lang: sel.explanation(result, lang) for lang in ("zh-hans", "en")}
    return result


@router.get("/results/{result_id}", **login_required("评价结果详情(含理由)", ResultDetail))
def result_detail(request: HttpRequest, result_id: int = path_id("评价结果ID")) -> Any:
    result = sel.result_list(user=actor(request)).annotate(**NAMES).select_related("run")
    return _detail(result.get(pk=result_id))
