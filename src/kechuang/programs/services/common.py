"""What every program workflow shares: 公示 batches and objections.

Each service is one transaction. The transitions of the applications and objections are
performed by their workflows (`programs.workflows`), which check the actor and the state and
write the event row and the audit entry; the services add what is particular to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, scoping
from kechuang.core.audit import user_or_none
from kechuang.core.models import AuditEntry
from kechuang.core.workflow import day
from kechuang.programs import deadlines
from kechuang.programs.models import (
    GRADIENT_PROGRAMS,
    NoticeBatch,
    NoticeEntry,
    Objection,
    Program,
    TechSMEApplication,
)
from kechuang.programs.workflows import OBJECTIONS, workflow_of
from kechuang.programs.workflows.common import Application, event

__all__ = ["event", "notice_publish", "objection_raise", "objection_resolve"]

PROGRAMS = (Program.TECH_SME, *GRADIENT_PROGRAMS)


def created(actor: Any, obj: Any, source: str) -> None:
    audit.record(actor, AuditEntry.Action.CREATE, obj, None, audit.snapshot(obj), source=source)


def program_of(app: Application) -> str:
    return Program.TECH_SME if isinstance(app, TechSMEApplication) else app.program


# --- public notice (公示) --------------------------------------------------------------------


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
    `notice_workdays` working days after the day of publication. Each application is put on
    the notice by its workflow's `publish`; one refusal refuses the whole batch."""
    if program not in PROGRAMS:
        raise ValidationError({"program": _("未知的项目")}, code="program")
    apps = list(applications)
    if not apps:
        raise ValidationError(_("请至少选择一项申请"), code="empty")
    start = day(starts_on)
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
    created(actor, batch, source)
    span = {"batch": batch.pk, "starts_on": batch.starts_on, "ends_on": batch.ends_on}
    for app in apps:
        workflow_of(app).perform(
            "publish", actor=actor, obj=app, source=source, change=_enter(batch), data=span
        )
    return batch


def _enter(batch: NoticeBatch) -> Callable[[Application], None]:
    def enter(app: Application) -> None:
        if program_of(app) != batch.program or app.year != batch.year:
            raise ValidationError(
                _("%(name)s 不属于本批次的项目或年度"), code="mismatch", params={"name": app}
            )
        NoticeEntry.objects.create(
            batch=batch,
            enterprise=app.enterprise,
            enterprise_name=app.enterprise.name,
            region_id=app.enterprise.region_id,
            tech_sme=app if isinstance(app, TechSMEApplication) else None,
            gradient=None if isinstance(app, TechSMEApplication) else app,
        )

    return enter


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


# --- objections ---------------------------------------------------------------------------------


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
    scoping.require(scoping.role_of(actor) is not None)
    when = day(on)
    entry = NoticeEntry.objects.select_related("batch").get(pk=entry.pk)
    if not notice_open(entry, when):
        raise ValidationError(_("不在公示期内,不能提出异议"), code="notice_closed")
    # Locked so that no admission or filing slips past an objection being raised.
    app = type(entry.application).objects.select_for_update().get(pk=entry.application.pk)
    if app.status != app.Status.IN_NOTICE:
        raise ValidationError(_("该申请已不在公示中,不能提出异议"), code="bad_status")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写理由")}, code="reason")
    objection = Objection(entry=entry, raised_by=actor, raised_on=when, reason=reason.strip())
    objection.full_clean()
    objection.save()
    event("objection_raised", actor, application=app, objection=objection.pk)
    created(actor, objection, source)
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
    """The province decides, with its reasons; an upheld objection keeps the enterprise out of
    this round (its application's `exclude`)."""
    when = day(on)

    def decide(row: Objection) -> None:
        row.decision_note = note.strip()
        row.resolved_by = actor
        row.resolved_on = when

    name = "uphold" if upheld else "dismiss"
    objection = OBJECTIONS.perform(
        name, actor=actor, obj=objection, reason=note, source=source, change=decide
    )
    if upheld:
        app = objection.entry.application
        workflow_of(app).perform("exclude", actor=actor, obj=app, source=source)
    return objection
