"""Reads of the consents enterprises give banks, and of what banks read through them.

An enterprise sees its own consents, a bank those given to it. A bank sees innovation points
only of enterprises whose consent to it is in force and covers the points
(`core.scoping.consent_q`), and only finished runs' results.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.programs.runs.models import EvaluationResult, EvaluationRun
from kechuang.registry.models import BankRead, DataConsent, Enterprise
from kechuang.registry.models.base import POINTS_SCOPES

POINTS = "innovation-points"


DONE = EvaluationRun.Status.DONE


def consent_list(*, user: Any) -> QuerySet[DataConsent]:
    """Consents the user may read: an enterprise its own, a bank those given to it."""
    return scoping.visible(DataConsent.objects.select_related("bank", "enterprise"), user)


def bank_points(*, user: Any) -> QuerySet[EvaluationResult]:
    """A bank's view of innovation points: the latest result of each enterprise that
    consented to it, in force today, with a scope that covers the points."""
    if scoping.role_of(user) != Role.BANK or user.organization_id is None:
        return EvaluationResult.objects.none()
    # One filter() call: the consent's bank, dates and scope must hold on the same consent.
    consented = Enterprise.objects.filter(
        scoping.consent_q("pk", user.organization_id, scopes=POINTS_SCOPES)
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


def bank_reads(*, user: Any) -> QuerySet[BankRead]:
    """What banks read through consents: an enterprise its own, a bank its own reads, a city
    bureau those of its enterprises."""
    return scoping.visible(
        BankRead.objects.select_related("bank", "reader", "enterprise"), user
    ).order_by("-at", "-id")
