"""Reads of the evaluation programs, restricted to what the acting user may see.

Applications: the province sees all; a city bureau its reporting unit's (the first-line
view); a zone admin its zone's; an enterprise its own; an expert the gradient applications
assigned to it. Notices, admissions in force, gradient calls and certifications are public.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from kechuang.core import scoping
from kechuang.programs import deadlines
from kechuang.programs.models import (
    Admission,
    ApplicationEvent,
    EvaluationRegistration,
    ExpertReview,
    GradientApplication,
    GradientCall,
    GradientCertification,
    NoticeBatch,
    NoticeEntry,
    Objection,
    Revocation,
    SpotCheck,
    TechSMEApplication,
)


def _overdue(today: dt.date) -> Case:
    return Case(
        When(Q(status=TechSMEApplication.Status.SUBMITTED, review_due__lt=today), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def application_list(*, user: Any, today: dt.date | None = None) -> QuerySet[TechSMEApplication]:
    """Visible tech-SME applications, each annotated with `overdue` (review deadline passed)."""
    today = today or timezone.localdate()
    qs = TechSMEApplication.objects.select_related(
        "enterprise", "enterprise__city", "enterprise__region"
    ).annotate(overdue=_overdue(today))
    return scoping.visible(qs, user)


def review_queue(*, user: Any) -> QuerySet[TechSMEApplication]:
    """Submitted applications awaiting formal review, the most urgent first."""
    return (
        application_list(user=user)
        .filter(status=TechSMEApplication.Status.SUBMITTED)
        .order_by("review_due", "id")
    )


def ready_for_notice(*, user: Any, program: str, year: int | None = None) -> QuerySet[Any]:
    """Applications that passed review (tech-SME) or expert review (gradient), not yet on a
    notice."""
    if program == "tech-sme":
        qs: QuerySet[Any] = application_list(user=user).filter(
            status=TechSMEApplication.Status.PASSED_REVIEW
        )
    else:
        qs = gradient_list(user=user).filter(
            program=program, status=GradientApplication.Status.EXPERT_PASSED
        )
    return qs.filter(year=year) if year else qs


def events(*, user: Any, application: Any) -> QuerySet[ApplicationEvent]:
    """The timeline of an application the user may see."""
    if not scoping.can_view(user, application):
        return ApplicationEvent.objects.none()
    return application.events.select_related("actor").order_by("at", "id")


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
    if application.status != TechSMEApplication.Status.SUBMITTED:
        return None
    return deadlines.deadline(application.review_due, today)


# --- notices and objections --------------------------------------------------------------------


def notice_list(*, user: Any) -> QuerySet[NoticeBatch]:
    return scoping.visible(NoticeBatch.objects.all(), user)


def notice_get(*, user: Any, pk: int) -> NoticeBatch:
    return notice_list(user=user).get(pk=pk)


def notice_entries(*, user: Any, batch: NoticeBatch) -> QuerySet[NoticeEntry]:
    return scoping.visible(batch.entries.select_related("region"), user)


def notice_entry_list(*, user: Any) -> QuerySet[NoticeEntry]:
    return scoping.visible(NoticeEntry.objects.select_related("batch", "region"), user)


def objection_list(*, user: Any) -> QuerySet[Objection]:
    qs = Objection.objects.select_related("entry", "entry__batch", "raised_by", "resolved_by")
    return scoping.visible(qs, user)


# --- admissions ------------------------------------------------------------------------------


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


# --- gradient programs -------------------------------------------------------------------------


def call_list(*, user: Any) -> QuerySet[GradientCall]:
    return scoping.visible(GradientCall.objects.all(), user)


def gradient_list(*, user: Any) -> QuerySet[GradientApplication]:
    qs = GradientApplication.objects.select_related("call", "enterprise", "enterprise__city")
    return scoping.visible(qs, user)


def recommendation_queue(*, user: Any) -> QuerySet[GradientApplication]:
    """Applications waiting for their city's recommendation, the earliest deadline first."""
    return (
        gradient_list(user=user)
        .filter(status=GradientApplication.Status.APPLIED)
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
    if application.status != GradientApplication.Status.APPLIED:
        return None
    return deadlines.deadline(application.call.recommend_by, today)
