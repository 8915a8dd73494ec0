"""What every program workflow shares: who acts, event rows, 公示 batches and objections.

Each service is one transaction: it checks the actor, changes the records, writes an event
row for the enterprise and an audit entry, in that transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, scoping
from kechuang.core.audit import user_or_none
from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role
from kechuang.programs import deadlines
from kechuang.programs.models import (
    GRADIENT_PROGRAMS,
    ApplicationEvent,
    GradientApplication,
    NoticeBatch,
    NoticeEntry,
    Objection,
    Program,
    TechSMEApplication,
)

Application = TechSMEApplication | GradientApplication


def today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def is_province(actor: Any) -> bool:
    return scoping.role_of(actor) == Role.PROVINCE_ADMIN


def acts_for(actor: Any, enterprise: Any) -> bool:
    """An enterprise user acting for its own enterprise."""
    return (
        scoping.role_of(actor) == Role.ENTERPRISE
        and actor.organization_id is not None
        and actor.organization_id == enterprise.pk
    )


def require_province(actor: Any) -> None:
    scoping.require(is_province(actor))


def require_status(obj: Any, *allowed: str) -> None:
    if obj.status not in allowed:
        raise ValidationError(
            _("当前状态为“%(status)s”,不能执行此操作"),
            code="bad_status",
            params={"status": obj.get_status_display()},
        )


def require_reason(reason: str, field: str = "reason") -> None:
    if not (reason or "").strip():
        raise ValidationError({field: _("请填写理由")}, code="reason")


def event(
    kind: str,
    actor: Any,
    *,
    enterprise: Any = None,
    application: Application | None = None,
    program: str | None = None,
    reason: str = "",
    **data: Any,
) -> ApplicationEvent:
    tech_sme = application if isinstance(application, TechSMEApplication) else None
    gradient = application if isinstance(application, GradientApplication) else None
    if application is not None:
        enterprise = application.enterprise
        program = gradient.program if gradient is not None else Program.TECH_SME
    assert enterprise is not None and program is not None
    return ApplicationEvent.emit(
        kind,
        actor=actor,
        reason=reason,
        enterprise=enterprise,
        program=program,
        tech_sme=tech_sme,
        gradient=gradient,
        **data,
    )


def record(
    actor: Any,
    action: str,
    obj: models.Model,
    before: audit.Snapshot | None,
    source: str,
) -> None:
    after = None if action == AuditEntry.Action.DELETE else audit.snapshot(obj)
    audit.record(actor, action, obj, before, after, source=source)


def lock(obj: Any) -> Any:
    return type(obj).objects.select_for_update().get(pk=obj.pk)


# --- public notice (公示) --------------------------------------------------------------------

_READY: dict[str, str] = {
    Program.TECH_SME: TechSMEApplication.Status.PASSED_REVIEW,
    **{p: GradientApplication.Status.EXPERT_PASSED for p in GRADIENT_PROGRAMS},
}


@transaction.atomic
def notice_publish(
    *,
    actor: Any,
    program: str,
    year: int,
    applications: Iterable[Application],
    starts_on: dt.date | None = None,
    title: str = "",
    source: str = "web",
) -> NoticeBatch:
    """The province publishes a batch of applications that passed review; the notice runs
    `notice_workdays` working days after the day of publication."""
    require_province(actor)
    if program not in _READY:
        raise ValidationError({"program": _("未知的项目")}, code="program")
    start = today(starts_on)
    apps = [lock(a) for a in applications]
    if not apps:
        raise ValidationError(_("请至少选择一项申请"), code="empty")
    for app in apps:
        app_program = Program.TECH_SME if isinstance(app, TechSMEApplication) else app.program
        if app_program != program or app.year != year:
            raise ValidationError(
                _("%(name)s 不属于本批次的项目或年度"), code="mismatch", params={"name": app}
            )
        require_status(app, _READY[program])
    batch = NoticeBatch(
        program=program,
        year=year,
        title=title.strip() or default_title(program, year),
        starts_on=start,
        ends_on=deadlines.notice_end(start),
        published_by=user_or_none(actor),
    )
    batch.full_clean()
    batch.save()
    record(actor, AuditEntry.Action.CREATE, batch, None, source)
    for app in apps:
        before = audit.snapshot(app)
        NoticeEntry.objects.create(
            batch=batch,
            enterprise=app.enterprise,
            enterprise_name=app.enterprise.name,
            region_id=app.enterprise.region_id,
            tech_sme=app if isinstance(app, TechSMEApplication) else None,
            gradient=app if isinstance(app, GradientApplication) else None,
        )
        app.status = app.Status.IN_NOTICE
        app.save(update_fields=["status", "updated_at"])
        event(
            "publicised",
            actor,
            application=app,
            batch=batch.pk,
            starts_on=batch.starts_on.isoformat(),
            ends_on=batch.ends_on.isoformat(),
        )
        record(actor, AuditEntry.Action.UPDATE, app, before, source)
    return batch


def default_title(program: str, year: int) -> str:
    # Stored data, written once in the language of the official notice.
    with translation.override(settings.LANGUAGE_CODE):
        return f"{year}年度{Program(program).label}公示名单"


def notice_open(entry: NoticeEntry, on: dt.date) -> bool:
    return entry.batch.starts_on <= on <= entry.batch.ends_on


def require_notice_over(application: Application, on: dt.date) -> NoticeEntry:
    """The notice of `application` has ended and no objection stands in the way."""
    entry = NoticeEntry.objects.select_related("batch").get(
        **{"tech_sme" if isinstance(application, TechSMEApplication) else "gradient": application}
    )
    if on <= entry.batch.ends_on:
        raise ValidationError(
            _("公示期至%(end)s结束,结束后方可办理"),
            code="notice_running",
            params={"end": entry.batch.ends_on.isoformat()},
        )
    decisions = set(entry.objections.values_list("decision", flat=True))
    if Objection.Decision.UPHELD in decisions:
        raise ValidationError(_("公示异议成立,不能办理"), code="objection_upheld")
    if Objection.Decision.PENDING in decisions:
        raise ValidationError(_("尚有未处理的公示异议"), code="objection_pending")
    return entry


@transaction.atomic
def objection_raise(
    *,
    actor: Any,
    entry: NoticeEntry,
    reason: str,
    on: dt.date | None = None,
    source: str = "web",
) -> Objection:
    """Anyone with a login may object to an entry while its notice runs."""
    if scoping.role_of(actor) is None:
        raise PermissionDenied("log in to raise an objection")
    day = today(on)
    entry = NoticeEntry.objects.select_related("batch").get(pk=entry.pk)
    if not notice_open(entry, day):
        raise ValidationError(_("不在公示期内,不能提出异议"), code="notice_closed")
    app = lock(entry.application)
    require_status(app, app.Status.IN_NOTICE)
    require_reason(reason)
    objection = Objection(entry=entry, raised_by=actor, raised_on=day, reason=reason.strip())
    objection.full_clean()
    objection.save()
    # The objector is known to the province (the objection row), not shown on the timeline.
    event("objection_raised", None, application=app, objection=objection.pk)
    record(actor, AuditEntry.Action.CREATE, objection, None, source)
    return objection


@transaction.atomic
def objection_resolve(
    *,
    actor: Any,
    objection: Objection,
    upheld: bool,
    note: str,
    on: dt.date | None = None,
    source: str = "web",
) -> Objection:
    """The province decides; an upheld objection keeps the enterprise out of this round."""
    require_province(actor)
    objection = lock(objection)
    if objection.decision != Objection.Decision.PENDING:
        raise ValidationError(_("该异议已处理"), code="resolved")
    require_reason(note, "decision_note")
    before = audit.snapshot(objection)
    objection.decision = Objection.Decision.UPHELD if upheld else Objection.Decision.DISMISSED
    objection.decision_note = note.strip()
    objection.resolved_by = actor
    objection.resolved_on = today(on)
    objection.save()
    app = lock(objection.entry.application)
    if upheld:
        app_before = audit.snapshot(app)
        require_status(app, app.Status.IN_NOTICE)
        app.status = app.Status.REJECTED
        app.save(update_fields=["status", "updated_at"])
        record(actor, AuditEntry.Action.UPDATE, app, app_before, source)
    kind = "objection_upheld" if upheld else "objection_dismissed"
    event(kind, actor, application=app, reason=objection.decision_note, objection=objection.pk)
    record(actor, AuditEntry.Action.UPDATE, objection, before, source)
    return objection
