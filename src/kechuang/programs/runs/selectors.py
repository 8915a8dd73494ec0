"""Reads of batch runs and their results, scoped to the user.

Runs: the province sees all, a city bureau those confined to its city. Results: the province
all, a city bureau its city's enterprises, a zone its zone's, an enterprise its own; banks see
innovation points only of enterprises whose consent to them is in force and covers the points
(`core.scoping.consent_q`). Only finished runs' results are ever returned.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from kechuang.core import scoping
from kechuang.programs import specs
from kechuang.programs.runs import results
from kechuang.programs.runs.models import EvaluationResult, EvaluationRun
from kechuang.registry.models import Enterprise
from kechuang.rules import explain

DONE = EvaluationRun.Status.DONE


def run_list(*, user: Any) -> QuerySet[EvaluationRun]:
    qs = EvaluationRun.objects.select_related("region", "city", "started_by")
    return scoping.visible(qs, user)


def run_get(*, user: Any, pk: int) -> EvaluationRun:
    """Raises EvaluationRun.DoesNotExist when it is not there or not visible."""
    return run_list(user=user).get(pk=pk)


def result_list(*, user: Any) -> QuerySet[EvaluationResult]:
    """Results of finished runs that `user` may see."""
    qs = (
        EvaluationResult.objects.filter(run__status=DONE)
        .select_related("enterprise", "enterprise__city", "enterprise__industry")
        # What `criterion_points` and `reason_codes` read.
        .annotate(point_keys=F("run__point_keys"), reason_keys=F("run__reason_keys"))
    )
    return scoping.visible(qs, user)


def run_results(*, user: Any, run: EvaluationRun) -> QuerySet[EvaluationResult]:
    return result_list(user=user).filter(run=run)


def latest_results(*, user: Any, enterprise: Enterprise) -> list[EvaluationResult]:
    """The enterprise's latest result in each program (latest year, then latest run)."""
    rows = (
        result_list(user=user)
        .filter(enterprise=enterprise)
        .select_related("run")
        .order_by("program", "-year", "-run_id")
    )
    latest: dict[str, EvaluationResult] = {}
    for row in rows:
        latest.setdefault(row.program, row)
    return list(latest.values())


def explanation(result: EvaluationResult, lang: str) -> list[str]:
    """Sentences saying why the result is what it is, from the run's rules."""
    run = result.run
    spec = specs.load_text(run.spec_text)
    return explain(results.explain_row(result, run, spec), spec, lang)
