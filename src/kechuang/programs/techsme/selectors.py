"""Reads of the tech-SME evaluation, restricted to what the acting user may see.

Applications: the province sees all; a city bureau its reporting unit's (the first-line
view); a zone admin its zone's; an enterprise its own. Admissions in force are public.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from kechuang.core import scoping
from kechuang.programs import deadlines
from kechuang.programs.techsme.models import (
    Admission,
    EvaluationRegistration,
    Revocation,
    SpotCheck,
    TechSMEApplication,
)
from kechuang.programs.techsme.workflow import TECH_SME

# The formal review runs until the province decides: the states its decisions leave from.
UNDER_REVIEW = "pass"


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def application_list(*, user: Any, today: dt.date | None = None) -> QuerySet[TechSMEApplication]:
    """Visible tech-SME applications, each annotated with `awaiting_review` (the formal review
    is pending) and `overdue` (and its deadline has passed)."""
    today = today or timezone.localdate()
    pending = TECH_SME.awaiting(UNDER_REVIEW)
    qs = TechSMEApplication.objects.select_related(
        "enterprise", "enterprise__city", "enterprise__region"
    ).annotate(awaiting_review=_flag(pending), overdue=_flag(pending & Q(review_due__lt=today)))
    return scoping.visible(qs, user)


def review_queue(*, user: Any) -> QuerySet[TechSMEApplication]:
    """Submitted applications awaiting formal review, the most urgent first."""
    return (
        application_list(user=user)
        .filter(TECH_SME.awaiting(UNDER_REVIEW))
        .order_by("review_due", "id")
    )


def registration_get(*, user: Any, enterprise: Any) -> EvaluationRegistration | None:
    return (
        scoping.visible(EvaluationRegistration.objects.all(), user)
        .filter(enterprise=enterprise)
        .first()
    )


def registration_list(*, user: Any) -> QuerySet[EvaluationRegistration]:
    return scoping.visible(EvaluationRegistration.objects.select_related("enterprise"), user)


def review_deadline(
    application: TechSMEApplication, today: dt.date | None = None
) -> deadlines.Deadline | None:
    """The formal-review deadline while the review is pending."""
    if not TECH_SME.awaits(application, UNDER_REVIEW):
        return None
    return deadlines.deadline(application.review_due, today)


def admission_list(*, user: Any) -> QuerySet[Admission]:
    """Admissions in force for everyone; revoked ones within the user's scope."""
    qs = Admission.objects.select_related("enterprise", "county", "enterprise__city")
    return scoping.visible(qs, user)


def admitted_in(*, user: Any, year: int) -> QuerySet[Admission]:
    """The public list of a year: admissions in force, by registration number."""
    return admission_list(user=user).filter(year=year, revoked_on__isnull=True).order_by("number")


def revocation_list(*, user: Any) -> QuerySet[Revocation]:
    qs = Revocation.objects.select_related("admission", "enterprise", "revoked_by")
    return scoping.visible(qs, user)


def spot_checks(*, user: Any, admission: Admission) -> QuerySet[SpotCheck]:
    return scoping.visible(admission.spot_checks.select_related("checked_by"), user)
