"""Writes of the public notice (公示): publishing a batch, objections and their decisions,
and concluding an ended notice.

Each service is one transaction. The transitions of the applications and objections are
performed by their workflows (`techsme.workflow`, `gradient.workflow`, `notices.workflow`),
which check the actor and the state and write the event row and the audit entry; the
services add what is particular to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, scoping
from kechuang.core.audit import user_or_none
from kechuang.core.models import AuditEntry
from kechuang.core.workflow import Workflow, day, province
from kechuang.programs import deadlines
from kechuang.programs.common import GRADIENT_PROGRAMS, Program, created, event
from kechuang.programs.gradient import services as gradient
from kechuang.programs.gradient.workflow import GRADIENT
from kechuang.programs.notices.models import NoticeBatch, NoticeEntry, Objection
from kechuang.programs.notices.selectors import notice_open
from kechuang.programs.notices.workflow import OBJECTIONS
from kechuang.programs.techsme import services as techsme
from kechuang.programs.techsme.models import TechSMEApplication
from kechuang.programs.techsme.workflow import TECH_SME

if TYPE_CHECKING:
    from kechuang.programs.common import Application

PROGRAMS = (Program.TECH_SME, *GRADIENT_PROGRAMS)


def workflow_of(application: Application) -> Workflow[Any]:
    """The workflow of a tech-SME or a gradient application."""
    return TECH_SME if isinstance(application, TechSMEApplication) else GRADIENT


@transaction.atomic
def notice_publish(
    *,
    actor: Any,
    program: str,
    year: int,
    applications: Iterable[Application],
    starts_on: dt.date | None = None,
    on: dt.date | None = None,
    title: str = "",
    source: str = "web",
) -> NoticeBatch:
    """The province publishes a batch of applications that passed review; the notice runs
    `notice_workdays` working days after `starts_on`, which is the day of publication `on`
    (today) or a later one: a notice the public could not have read cannot have run.

    The batch is a creation, checked here against the same rule as `publish`; each
    application is then put on the notice by its workflow's `publish`, and one refusal
    refuses the whole batch."""
    scoping.require(province(actor, None))
    if program not in PROGRAMS:
        raise ValidationError({"program": _("未知的项目")}, code="program")
    apps = list(applications)
    if not apps:
        raise ValidationError(_("请至少选择一项申请"), code="empty")
    today = day(on)
    start = starts_on or today
    if start < today:
        raise ValidationError(
            {
                "starts_on": ValidationError(
                    _("公示开始日期不能早于发布当日(%(today)s)"),
                    code="past",
                    params={"today": today.isoformat()},
                )
            }
        )
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
        if app.program != batch.program or app.year != batch.year:
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


@transaction.atomic
def objection_raise(
    *,
    actor: Any,
    entry: NoticeEntry,
    reason: str,
    on: dt.date | None = None,
    source: str = "web",
) -> Objection:
    """Anyone with a login may object to an entry while its notice runs.

    A creation, not a transition: the objection starts pending (its workflow decides it
    later) and the application keeps its state, so the permission, the event row and the
    audit entry are written here. It may be raised while an upheld objection could still
    keep the application out: while the application's `exclude` is open in its workflow."""
    scoping.require(scoping.role_of(actor) is not None)
    when = day(on)
    entry = NoticeEntry.objects.select_related("batch").get(pk=entry.pk)
    if not notice_open(entry, when):
        raise ValidationError(_("不在公示期内,不能提出异议"), code="notice_closed")
    # Locked so that no admission or filing slips past an objection being raised.
    app = type(entry.application).objects.select_for_update().get(pk=entry.application.pk)
    if not workflow_of(app).awaits(app, "exclude"):
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


@transaction.atomic
def conclude_notice(
    *, actor: Any, batch: NoticeBatch, on: dt.date | None = None, source: str = "web"
) -> tuple[list[Any], list[Any]]:
    """Admit (or file) every entry of an ended notice that nothing stands against.

    Returns (done, left): `left` holds (entry, messages) of the entries that could not be
    admitted yet, such as those with a pending objection.
    """
    scoping.require(province(actor, batch))
    when = day(on)
    done: list[Any] = []
    left: list[Any] = []
    for entry in batch.entries.select_related("tech_sme", "gradient"):
        app = entry.application
        tech = isinstance(app, TechSMEApplication)
        if not workflow_of(app).may(actor, app, "admit" if tech else "file"):
            continue  # already admitted, filed or kept out
        try:
            with transaction.atomic():
                if isinstance(app, TechSMEApplication):
                    done.append(techsme.admit(actor=actor, application=app, on=when, source=source))
                else:
                    done.append(gradient.file(actor=actor, application=app, on=when, source=source))
        except ValidationError as exc:
            left.append((entry, exc.messages))
    if not left:
        before = audit.snapshot(batch)
        batch.concluded_on = when
        batch.save(update_fields=["concluded_on", "updated_at"])
        audit.record(
            actor, AuditEntry.Action.UPDATE, batch, before, audit.snapshot(batch), source=source
        )
    return done, left
