"""Reads of plan projects and their events, restricted to what the acting user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kechuang.core import scoping
from kechuang.market.projects.models import ChallengeEvent, PlanProject


def project_list(*, user: Any) -> QuerySet[PlanProject]:
    qs = PlanProject.objects.select_related("challenge", "platform", "city")
    return scoping.visible(qs, user)


def project_events(*, user: Any, project: PlanProject) -> QuerySet[ChallengeEvent]:
    """The milestones of a plan project, for whoever sees the project."""
    if not scoping.can_view(user, project):
        return ChallengeEvent.objects.none()
    qs = ChallengeEvent.objects.filter(project=project).select_related("actor")
    return qs.order_by("at", "id")
