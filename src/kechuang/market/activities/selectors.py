"""Reads of matchmaking activities, brokers and training, restricted to what the acting user
may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kechuang.core import scoping
from kechuang.market.activities.models import (
    Broker,
    EventOutcome,
    EventParticipant,
    MatchmakingActivity,
    TrainingAttendance,
    TrainingSession,
)

# --- events, brokers, training --------------------------------------------------------------


def event_list(*, user: Any) -> QuerySet[MatchmakingActivity]:
    return scoping.visible(MatchmakingActivity.objects.select_related("city"), user)


def event_participants(*, user: Any, event: MatchmakingActivity) -> QuerySet[EventParticipant]:
    return scoping.visible(EventParticipant.objects.filter(event=event), user)


def event_outcomes(*, user: Any, event: MatchmakingActivity) -> QuerySet[EventOutcome]:
    qs = EventOutcome.objects.filter(event=event).select_related("contract")
    return scoping.visible(qs, user)


def broker_list(*, user: Any) -> QuerySet[Broker]:
    qs = Broker.objects.select_related("service_institution", "institution", "city")
    return scoping.visible(qs, user)


def training_list(*, user: Any) -> QuerySet[TrainingSession]:
    return scoping.visible(TrainingSession.objects.select_related("city"), user)


def training_attendees(*, user: Any, session: TrainingSession) -> QuerySet[TrainingAttendance]:
    qs = TrainingAttendance.objects.filter(session=session).select_related("broker")
    return scoping.visible(qs, user)


def may_change(*, user: Any, obj: Any) -> bool:
    """Whether the page offers `user` the forms that change `obj` (the services decide)."""
    return scoping.can_edit(user, obj)
