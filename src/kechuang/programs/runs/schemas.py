"""The shapes of batch runs and their results in the REST API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

from kechuang.core.api_support import filter_schema, page_schema
from kechuang.programs.runs.filters import ResultFilter
from kechuang.programs.runs.models import EvaluationResult


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
