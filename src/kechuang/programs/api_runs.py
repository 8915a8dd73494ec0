"""Batch runs and their results in the REST API, and innovation points for banks.

Runs: the province sees all, a city bureau those of its city; starting one follows the same
rules as the page (the run goes on in the background; poll its status). Results: scoped like
the enterprises; each with its explanation in both languages. Banks: innovation points of
the enterprises that consented to them. Anything outside the caller's scope answers 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status

from kechuang.core.api_support import (
    Limit,
    Offset,
    actor,
    apply_filters,
    filter_schema,
    login_required,
    page,
    page_schema,
    path_id,
)
from kechuang.programs import selectors_runs as sel
from kechuang.programs.filters_runs import ResultFilter
from kechuang.programs.models import EvaluationResult
from kechuang.programs.services import runs as service

router = Router(tags=["programs"])


def _op(summary: str, response: Any, operation_id: str, status: int = 200) -> dict[str, Any]:
    return {**login_required(summary, response, status), "operation_id": operation_id}


class RunIn(Schema):
    program: str
    year: int
    region: str | None = None


class RunOut(Schema):
    id: int
    program: str
    year: int
    spec_version: str
    spec_sha256: str
    region_id: str | None
    city_id: str | None
    status: str
    stage: str
    processed: int
    total: int
    evaluated: int
    passed: int
    failed: int
    ineligible: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    seconds: float | None
    error: str


class ResultOut(Schema):
    id: int
    run_id: int
    enterprise_id: int
    enterprise_name: str
    uscc: str
    program: str
    year: int
    eligible: bool
    score: Decimal | None
    verdict: str
    qualified_by: str
    points: dict[str, Any]
    reasons: list[str]
    stage: str
    rank: int | None
    cohort_size: int | None
    percentile: Decimal | None
    tier: str

    @staticmethod
    def resolve_points(obj: EvaluationResult) -> dict[str, Any]:
        return obj.criterion_points

    @staticmethod
    def resolve_reasons(obj: EvaluationResult) -> list[str]:
        return obj.reason_codes


class ResultDetail(ResultOut):
    spec_version: str
    explanation: dict[str, list[str]]


class ResultQuery(filter_schema(ResultFilter, "EvaluationResultFilters")):  # type: ignore[misc]
    pass


RunPage = page_schema(RunOut)
ResultPage = page_schema(ResultOut)
NAMES = {"enterprise_name": F("enterprise__name"), "uscc": F("enterprise__uscc")}


@router.get("/runs", **_op("批量评价列表", RunPage, "programs_run_list"))
def run_list(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Any:
    return page(sel.run_list(user=actor(request)).order_by("-created_at", "-id"), limit, offset)


@router.post("/runs", **_op("发起批量评价(后台执行)", RunOut, "programs_run_create", 201))
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


@router.get("/runs/{run_id}", **_op("批量评价详情(进度与统计)", RunOut, "programs_run_detail"))
def run_detail(request: HttpRequest, run_id: int = path_id("批量评价ID")) -> Any:
    return sel.run_get(user=actor(request), pk=run_id)


@router.get("/runs/{run_id}/results", **_op("批量评价结果列表", ResultPage, "programs_run_results"))
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


@router.get(
    "/results/{result_id}", **_op("评价结果详情(含理由)", ResultDetail, "programs_result_detail")
)
def result_detail(request: HttpRequest, result_id: int = path_id("评价结果ID")) -> Any:
    result = sel.result_list(user=actor(request)).annotate(**NAMES).select_related("run")
    return _detail(result.get(pk=result_id))


@router.get(
    "/bank/innovation-points",
    **_op("授权企业的创新积分(银行)", ResultPage, "programs_bank_points"),
)
def bank_points(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Any:
    return page(sel.bank_points(user=actor(request)).annotate(**NAMES), limit, offset)
