"""Reads of the catalogue (achievements, transfers, technology demands), restricted to what the
acting user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kechuang.core import scoping
from kechuang.market.catalogue.models import Achievement, AchievementTransfer, TechDemand


def achievement_list(*, user: Any) -> QuerySet[Achievement]:
    """Published achievements for everyone, plus drafts within the user's scope."""
    return scoping.visible(Achievement.objects.select_related("institution", "field"), user)


def achievement_catalogue(
    *, user: Any, q: str = "", field: str = "", min_trl: int | None = None
) -> QuerySet[Achievement]:
    """The public catalogue: published achievements only, whoever asks."""
    qs = achievement_list(user=user).filter(status=Achievement.Status.PUBLISHED)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(abstract__icontains=q)
            | Q(keywords__icontains=q)
            | Q(institution__name__icontains=q)
        )
    if field:
        qs = qs.filter(field_id=field)
    if min_trl:
        qs = qs.filter(trl__gte=min_trl)
    return qs


def achievement_get(*, user: Any, pk: int) -> Achievement:
    return achievement_list(user=user).get(pk=pk)


def transfer_list(*, user: Any) -> QuerySet[AchievementTransfer]:
    return scoping.visible(
        AchievementTransfer.objects.select_related("institution", "achievement", "enterprise"),
        user,
    )


def demand_list(*, user: Any) -> QuerySet[TechDemand]:
    return scoping.visible(TechDemand.objects.select_related("enterprise", "field"), user)


def demand_get(*, user: Any, pk: int) -> TechDemand:
    return demand_list(user=user).get(pk=pk)
