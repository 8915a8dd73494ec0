"""Reads of the gradient programs, restricted to what the acting user may see.

Applications: the province sees all; a city bureau its reporting unit's; an enterprise its
own; an expert those assigned to it. Calls and certifications are public.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from kechuang.core import scoping
from kechuang.programs import deadlines
from kechuang.programs.gradient.models import (
    ExpertReview,
    GradientApplication,
    GradientCall,
    GradientCertification,
)
from kechuang.programs.gradient.workflow import GRADIENT


def gradient_call_list(*, user: Any) -> QuerySet[GradientCall]:
    return scoping.visible(GradientCall.objects.all(), user)


def gradient_list(*, user: Any) -> QuerySet[GradientApplication]:
    qs = GradientApplication.objects.select_related("call", "enterprise", "enterprise__city")
    return scoping.visible(qs, user)


def recommendation_queue(*, user: Any) -> QuerySet[GradientApplication]:
    """Applications waiting for their city's recommendation, the earliest deadline first."""
    return (
        gradient_list(user=user)
        .filter(GRADIENT.awaiting("recommend"))
        .order_by("call__recommend_by", "id")
    )


def reviews_of(*, user: Any, application: GradientApplication) -> QuerySet[ExpertReview]:
    """The province sees every review of an application; an expert only its own."""
    return scoping.visible(application.reviews.select_related("expert"), user)


def certification_list(*, user: Any) -> QuerySet[GradientCertification]:
    return scoping.visible(GradientCertification.objects.select_related("enterprise"), user)


def recommend_deadline(
    application: GradientApplication, today: dt.date | None = None
) -> deadlines.Deadline | None:
    if not GRADIENT.awaits(application, "recommend"):
        return None
    return deadlines.deadline(application.call.recommend_by, today)
