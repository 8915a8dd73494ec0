"""Gradient cultivation (雏鹰 / 瞪羚 / 独角兽): apply → city recommendation → expert review →
公示 → filing, which gives the enterprise the status for three years.

The steps and who may take them are declared in `gradient.workflow`; these
services perform them, adding what is particular (the review rows, the certification).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, scoping
from kechuang.core.audit import user_or_none
from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role
from kechuang.core.workflow import acts_for, day, province
from kechuang.programs import assessment, deadlines
from kechuang.programs.common import GRADIENT_PROGRAMS, created, event, perform_writing
from kechuang.programs.gradient.models import (
    ExpertReview,
    GradientApplication,
    GradientCall,
    GradientCertification,
)
from kechuang.programs.gradient.workflow import GRADIENT, tally
from kechuang.programs.notices.selectors import require_notice_over

S = GradientApplication.Status


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
    scoping.require(province(actor, None))
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
    created(actor, call, source)
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
    figures is kept with the application for the reviewers.

    A creation (the application starts applied), not a transition: the permission, the
    event row and the audit entry are written here."""
    scoping.require(acts_for(actor, enterprise.pk, Role.ENTERPRISE))
    when = day(on)
    if not call.opens_on <= when <= call.deadline:
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
        applied_on=when,
    )
    found = assessment.from_registry(call.program, call.year, enterprise)
    if found is not None:
        app.spec_version = found.spec_version
        app.verdict = found.verdict
        app.explanation = found.explanation
    app.full_clean()
    app.save()
    event("applied", actor, application=app, verdict=app.verdict)
    created(actor, app, source)
    return app


def recommend(
    *,
    actor: Any,
    application: GradientApplication,
    recommended: bool,
    reason: str = "",
    on: dt.date | None = None,
    source: str = "web",
) -> GradientApplication:
    """The city bureau recommends (or, with reasons, does not) by the call's date."""
    when = day(on)

    def stamp(app: GradientApplication) -> None:
        if when > app.call.recommend_by:
            raise ValidationError(
                _("推荐截止日期%(end)s已过"),
                code="recommend_closed",
                params={"end": app.call.recommend_by.isoformat()},
            )
        app.recommended_on = when

    return GRADIENT.perform(
        "recommend" if recommended else "not_recommend",
        actor=actor,
        obj=application,
        reason=reason,
        source=source,
        change=stamp,
    )


def assign_expert(
    *, actor: Any, application: GradientApplication, expert: Any, source: str = "web"
) -> ExpertReview:
    def add(app: GradientApplication) -> tuple[ExpertReview, dict[str, Any]]:
        if scoping.role_of(expert) != Role.EXPERT or not expert.is_active:
            raise ValidationError({"expert": _("请选择专家用户")}, code="not_expert")
        if app.reviews.filter(expert=expert).exists():
            raise ValidationError({"expert": _("该专家已分配评审此项申报")}, code="assigned")
        review = ExpertReview(application=app, expert=expert, assigned_by=actor)
        review.full_clean()
        review.save()
        created(actor, review, source)
        return review, {}

    return perform_writing(
        GRADIENT, "assign", actor=actor, obj=application, source=source, write=add
    )


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
    done = application.reviews.filter(reviewed_on__isnull=False)
    if done.filter(expert_id=getattr(actor, "pk", None)).exists():
        # Said plainly rather than refused: the expert did review it, once.
        raise ValidationError(_("已提交评审意见"), code="reviewed")
    made: list[ExpertReview] = []

    def fill(app: GradientApplication) -> None:
        review = app.reviews.select_for_update().get(expert_id=actor.pk)
        before = audit.snapshot(review)
        review.score = Decimal(score)
        review.recommend = recommended
        review.comment = comment.strip()
        review.reviewed_on = day(on)
        review.full_clean()
        review.save()
        audit.record(
            actor, AuditEntry.Action.UPDATE, review, before, audit.snapshot(review), source=source
        )
        made.append(review)

    app = GRADIENT.perform("score", actor=actor, obj=application, source=source, change=fill)
    for name in ("experts_pass", "experts_fail"):
        if GRADIENT.may(actor, app, name):
            verdict = tally(app)
            data = verdict.data() if verdict is not None else {}
            GRADIENT.perform(name, actor=actor, obj=app, source=source, data=data)
            break
    return made[0]


def file(
    *,
    actor: Any,
    application: GradientApplication,
    on: dt.date | None = None,
    source: str = "web",
) -> GradientCertification:
    """Filing (备案) after a notice without an upheld or pending objection: the enterprise
    holds the status for `gradient_valid_years` years from the day of filing."""
    when = day(on)

    def certify(app: GradientApplication) -> tuple[GradientCertification, dict[str, Any]]:
        require_notice_over(app, when)
        cert = GradientCertification(
            application=app,
            enterprise=app.enterprise,
            program=app.program,
            year=app.year,
            filed_on=when,
            valid_from=when,
            valid_to=deadlines.gradient_valid_to(when),
            filed_by=user_or_none(actor),
        )
        cert.full_clean()
        cert.save()
        created(actor, cert, source)
        return cert, {"valid_to": cert.valid_to}

    return perform_writing(
        GRADIENT, "file", actor=actor, obj=application, source=source, write=certify
    )
