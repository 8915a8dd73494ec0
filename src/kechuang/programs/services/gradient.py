"""Gradient cultivation (雏鹰 / 瞪羚 / 独角兽): apply → city recommendation → expert review →
公示 → filing, which gives the enterprise the status for three years.

The province opens the calls, assigns experts, publishes and files; the city bureau of the
enterprise's reporting unit (a city, or the Shenfu zone) recommends; assigned experts score.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, scoping
from kechuang.core.audit import user_or_none
from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role
from kechuang.programs import assessment, deadlines
from kechuang.programs.models import (
    GRADIENT_PROGRAMS,
    ExpertReview,
    GradientApplication,
    GradientCall,
    GradientCertification,
)
from kechuang.programs.services.common import (
    acts_for,
    event,
    lock,
    record,
    require_notice_over,
    require_province,
    require_reason,
    require_status,
    today,
)

S = GradientApplication.Status


def can_recommend(actor: Any, application: GradientApplication) -> bool:
    """The bureau of the enterprise's reporting unit: its city, or the Shenfu zone."""
    return (
        scoping.role_of(actor) == Role.CITY_ADMIN
        and actor.city_id is not None
        and actor.city_id == application.enterprise.city_id
    )


@transaction.atomic
def call_create(
    *,
    actor: Any,
    program: str,
    year: int,
    opens_on: dt.date,
    deadline: dt.date,
    recommend_by: dt.date | None = None,
    reviewers: int = 1,
    source: str = "web",
) -> GradientCall:
    require_province(actor)
    if program not in GRADIENT_PROGRAMS:
        raise ValidationError({"program": _("未知的项目")}, code="program")
    call = GradientCall(
        program=program,
        year=year,
        opens_on=opens_on,
        deadline=deadline,
        recommend_by=recommend_by or deadlines.recommend_by(deadline),
        reviewers=reviewers,
    )
    call.full_clean()
    call.save()
    record(actor, AuditEntry.Action.CREATE, call, None, source)
    return call


@transaction.atomic
def apply(
    *,
    actor: Any,
    call: GradientCall,
    enterprise: Any,
    statement: str = "",
    on: dt.date | None = None,
    source: str = "web",
) -> GradientApplication:
    """The enterprise applies while the call is open; the engine's view of its registry
    figures is kept with the application for the reviewers."""
    scoping.require(acts_for(actor, enterprise))
    day = today(on)
    if not call.opens_on <= day <= call.deadline:
        raise ValidationError(
            _("申报时间为%(start)s至%(end)s"),
            code="call_closed",
            params={"start": call.opens_on.isoformat(), "end": call.deadline.isoformat()},
        )
    if GradientApplication.objects.filter(
        enterprise=enterprise, program=call.program, year=call.year
    ).exists():
        raise ValidationError(_("该企业本年度已申报该项目"), code="duplicate")
    app = GradientApplication(
        call=call,
        program=call.program,
        year=call.year,
        enterprise=enterprise,
        statement=statement.strip(),
        applied_on=day,
    )
    found = assessment.from_registry(call.program, call.year, enterprise)
    if found is not None:
        app.spec_version = found.spec_version
        app.verdict = found.verdict
        app.explanation = found.explanation
    app.full_clean()
    app.save()
    event("applied", actor, application=app, verdict=app.verdict)
    record(actor, AuditEntry.Action.CREATE, app, None, source)
    return app


@transaction.atomic
def recommend(
    *,
    actor: Any,
    application: GradientApplication,
    recommended: bool,
    reason: str = "",
    on: dt.date | None = None,
    source: str = "web",
) -> GradientApplication:
    app = lock(application)
    scoping.require(can_recommend(actor, app))
    require_status(app, S.APPLIED)
    day = today(on)
    if day > app.call.recommend_by:
        raise ValidationError(
            _("推荐截止日期%(end)s已过"),
            code="recommend_closed",
            params={"end": app.call.recommend_by.isoformat()},
        )
    if not recommended:
        require_reason(reason)
    before = audit.snapshot(app)
    app.status = S.RECOMMENDED if recommended else S.NOT_RECOMMENDED
    app.recommended_on = day
    app.save()
    kind = "recommended" if recommended else "not_recommended"
    event(kind, actor, application=app, reason=reason.strip())
    record(actor, AuditEntry.Action.UPDATE, app, before, source)
    return app


@transaction.atomic
def assign_expert(
    *,
    actor: Any,
    application: GradientApplication,
    expert: Any,
    source: str = "web",
) -> ExpertReview:
    require_province(actor)
    app = lock(application)
    require_status(app, S.RECOMMENDED, S.EXPERT_REVIEW)
    if scoping.role_of(expert) != Role.EXPERT or not expert.is_active:
        raise ValidationError({"expert": _("请选择专家用户")}, code="not_expert")
    if app.reviews.filter(expert=expert).exists():
        raise ValidationError({"expert": _("该专家已分配评审此项申报")}, code="assigned")
    review = ExpertReview(application=app, expert=expert, assigned_by=actor)
    review.full_clean()
    review.save()
    before = audit.snapshot(app)
    app.status = S.EXPERT_REVIEW
    app.save(update_fields=["status", "updated_at"])
    # Reviewers stay anonymous to the applicant: the expert is not named on the timeline.
    event("expert_assigned", actor, application=app)
    record(actor, AuditEntry.Action.CREATE, review, None, source)
    record(actor, AuditEntry.Action.UPDATE, app, before, source)
    return review


@transaction.atomic
def expert_review(
    *,
    actor: Any,
    application: GradientApplication,
    score: Decimal,
    recommended: bool,
    comment: str = "",
    on: dt.date | None = None,
    source: str = "web",
) -> ExpertReview:
    """An assigned expert scores once. When the call's number of experts have all scored,
    the majority's recommendation decides."""
    app = lock(application)
    review = app.reviews.filter(expert_id=getattr(actor, "pk", None)).first()
    if review is None or scoping.role_of(actor) != Role.EXPERT:
        raise PermissionDenied("only an expert assigned to the application reviews it")
    require_status(app, S.EXPERT_REVIEW)
    if review.reviewed_on is not None:
        raise ValidationError(_("已提交评审意见"), code="reviewed")
    before = audit.snapshot(review)
    review.score = Decimal(score)
    review.recommend = recommended
    review.comment = comment.strip()
    review.reviewed_on = today(on)
    review.full_clean()
    review.save()
    event("expert_reviewed", None, application=app)
    record(actor, AuditEntry.Action.UPDATE, review, before, source)
    reviews = list(app.reviews.all())
    if len(reviews) >= app.call.reviewers and all(r.reviewed_on for r in reviews):
        yes = sum(1 for r in reviews if r.recommend)
        app_before = audit.snapshot(app)
        passed = yes * 2 > len(reviews)
        app.status = S.EXPERT_PASSED if passed else S.EXPERT_FAILED
        app.save(update_fields=["status", "updated_at"])
        scores = [r.score for r in reviews if r.score is not None]
        mean = sum(scores, Decimal(0)) / len(scores) if scores else None
        event(
            "expert_passed" if passed else "expert_failed",
            None,
            application=app,
            recommended=yes,
            reviewers=len(reviews),
            mean_score=str(mean.quantize(Decimal("0.01"))) if mean is not None else None,
        )
        record(actor, AuditEntry.Action.UPDATE, app, app_before, source)
    return review


@transaction.atomic
def file(
    *,
    actor: Any,
    application: GradientApplication,
    on: dt.date | None = None,
    source: str = "web",
) -> GradientCertification:
    """Filing (备案) after a notice without an upheld or pending objection: the enterprise
    holds the status for `gradient_valid_years` years from the day of filing."""
    require_province(actor)
    app = lock(application)
    require_status(app, S.IN_NOTICE)
    day = today(on)
    require_notice_over(app, day)
    cert = GradientCertification(
        application=app,
        enterprise=app.enterprise,
        program=app.program,
        year=app.year,
        filed_on=day,
        valid_from=day,
        valid_to=deadlines.gradient_valid_to(day),
        filed_by=user_or_none(actor),
    )
    cert.full_clean()
    cert.save()
    before = audit.snapshot(app)
    app.status = S.FILED
    app.save(update_fields=["status", "updated_at"])
    event("filed", actor, application=app, valid_to=cert.valid_to.isoformat())
    record(actor, AuditEntry.Action.CREATE, cert, None, source)
    record(actor, AuditEntry.Action.UPDATE, app, before, source)
    return cert
