"""Reads of batch runs, their results, simulations and published rules, scoped to the user.

Runs: the province sees all, a city bureau those confined to its city. Results: the province
all, a city bureau its city's enterprises, a zone its zone's, an enterprise its own; banks see
innovation points only of enterprises whose consent to them is in force and covers the points
(`core.scoping.consent_q`). Only finished runs' results are ever returned.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.programs import results, specs
from kechuang.programs.models import EvaluationResult, EvaluationRun, Simulation, SpecVersion
from kechuang.registry.models import DataConsent, Enterprise
from kechuang.rules import explain

POINTS = "innovation-points"
# Consent scopes that let a bank see an enterprise's innovation points.
POINTS_SCOPES = ("innovation_points", "registry")
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


def bank_points(*, user: Any) -> QuerySet[EvaluationResult]:
    """A bank's view of innovation points: the latest result of each enterprise that
    consented to it, in force today, with a scope that covers the points."""
    if scoping.role_of(user) != Role.BANK or user.organization_id is None:
        return EvaluationResult.objects.none()
    # One filter() call: the consent's bank, dates and scope must hold on the same consent.
    consented = Enterprise.objects.filter(
        scoping.consent_q("pk", user.organization_id) & Q(consents__scope__in=POINTS_SCOPES)
    ).values("pk")
    latest = (
        EvaluationResult.objects.filter(
            enterprise=OuterRef("enterprise"), program=POINTS, run__status=DONE
        )
        .order_by("-year", "-run_id")
        .values("pk")[:1]
    )
    return (
        EvaluationResult.objects.filter(
            program=POINTS, run__status=DONE, enterprise__in=consented, pk=Subquery(latest)
        )
        .select_related("enterprise", "enterprise__city", "enterprise__zone", "run")
        .order_by("-score", "enterprise__name", "pk")
    )


def explanation(result: EvaluationResult, lang: str) -> list[str]:
    """Sentences saying why the result is what it is, from the run's rules."""
    run = result.run
    spec = specs.load_text(run.spec_text)
    return explain(results.explain_row(result, run, spec), spec, lang)


def consent_list(*, user: Any) -> QuerySet[DataConsent]:
    """Consents the user may read: an enterprise its own, a bank those given to it."""
    return scoping.visible(DataConsent.objects.select_related("bank", "enterprise"), user)


def simulation_list(*, user: Any) -> QuerySet[Simulation]:
    """Simulations and published rules are the province's."""
    return scoping.visible(Simulation.objects.select_related("created_by", "published"), user)


def spec_versions(*, user: Any) -> QuerySet[SpecVersion]:
    return scoping.visible(SpecVersion.objects.select_related("published_by"), user)
