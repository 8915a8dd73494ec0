"""What the application sub-domains share (techsme, gradient, and notices, which both go
through): the program codes; the milestone event row of an enterprise in a program — how it
is written, read and shown in the API; and the one way their services perform a transition
that writes a record of its own. Kept here, not in one of them, because an event belongs to
a tech-SME or a gradient application alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from kechuang.core import audit, scoping
from kechuang.core.events import Event
from kechuang.core.models import AuditEntry
from kechuang.core.workflow import Workflow

if TYPE_CHECKING:
    from kechuang.programs.gradient.models import GradientApplication
    from kechuang.programs.techsme.models import TechSMEApplication

    Application: TypeAlias = TechSMEApplication | GradientApplication


class Program(models.TextChoices):
    """Program codes; they name the rule specs too (`rules/specs/<program>/<year>.toml`)."""

    TECH_SME = "tech-sme", _("科技型中小企业评价")
    EAGLET = "eaglet", _("雏鹰企业")
    GAZELLE = "gazelle", _("瞪羚企业")
    UNICORN = "unicorn", _("独角兽企业")


GRADIENT_PROGRAMS = (Program.EAGLET, Program.GAZELLE, Program.UNICORN)


class ApplicationEvent(Event):
    """A milestone of an enterprise in a program: who, when, what and why.

    Kinds are checked in code (`EVENT_KINDS`), so a new kind needs no migration. An event
    belongs to the enterprise, and to its tech-SME or gradient application when there is one.
    """

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="program_events",
    )
    program = models.CharField(_("项目"), max_length=12, choices=Program.choices)
    tech_sme = models.ForeignKey(
        "programs.TechSMEApplication",
        verbose_name=_("科技型中小企业评价申请"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    gradient = models.ForeignKey(
        "programs.GradientApplication",
        verbose_name=_("梯度培育申请"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    LINKS = ("enterprise", "program", "tech_sme", "gradient")

    class Meta:
        verbose_name = _("评价事件")
        verbose_name_plural = _("评价事件")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tech_sme__isnull=True) | Q(gradient__isnull=True),
                name="event_one_application",
                violation_error_message=_("一个事件只属于一项申请"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.kind_label}"


EVENT_KINDS = {
    # tech-SME evaluation
    "registered": _("注册评价系统"),
    "self_assessed": _("自评"),
    "submitted": _("提交评价信息表"),
    "review_passed": _("形式审查通过"),
    "returned": _("退回修改"),
    "rejected": _("审查不通过"),
    "publicised": _("列入公示"),
    "objection_raised": _("收到异议"),
    "objection_upheld": _("异议成立"),
    "objection_dismissed": _("异议不成立"),
    "admitted": _("入库并赋予登记编号"),
    "revoked": _("撤销入库登记编号"),
    "spot_check_passed": _("抽查合格"),
    "spot_check_failed": _("抽查不合格"),
    "reevaluation_due": _("需年度重新评价"),
    # gradient programs
    "applied": _("提交申报"),
    "recommended": _("所在市推荐"),
    "not_recommended": _("所在市不予推荐"),
    "expert_assigned": _("分配评审专家"),
    "expert_reviewed": _("专家评审"),
    "expert_passed": _("专家评审通过"),
    "expert_failed": _("专家评审未通过"),
    "filed": _("备案并认定"),
}
ApplicationEvent.KINDS = EVENT_KINDS


# Reviewers stay anonymous to the applicant, and objectors are known to the province through
# the objection row only: these milestones name no one on the timeline.
ANONYMOUS = frozenset({"objection_raised", "expert_reviewed", "expert_passed", "expert_failed"})


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
    """One milestone of an enterprise in a program, on its application when there is one."""
    links: dict[str, Any] = {"tech_sme": None, "gradient": None}
    if application is not None:
        enterprise = application.enterprise
        program = application.program
        links[application.LINK] = application
    assert enterprise is not None and program is not None
    return ApplicationEvent.emit(
        kind,
        actor=None if kind in ANONYMOUS else actor,
        reason=reason,
        enterprise=enterprise,
        program=program,
        **links,
        **data,
    )


def emit(kind: str, *, actor: Any, obj: Application, reason: str = "", **data: Any) -> Any:
    """The `emit` of the application workflows."""
    return event(kind, actor, application=obj, reason=reason, **data)


def created(actor: Any, obj: Any, source: str) -> None:
    audit.record(actor, AuditEntry.Action.CREATE, obj, None, audit.snapshot(obj), source=source)


R = TypeVar("R")


def perform_writing(
    workflow: Workflow[Any],
    name: str,
    *,
    actor: Any,
    obj: Any,
    write: Callable[[Any], tuple[R, Mapping[str, Any]]],
    reason: str = "",
    source: str = "web",
) -> R:
    """Perform transition `name` of `workflow` on `obj`, whose change writes a record of its
    own (an admission, a revocation, a certification): `write(row)` writes it on the locked
    row and returns it with what to add to the event's data. Returns the record."""
    made: list[R] = []

    def change(row: Any) -> Mapping[str, Any]:
        record, data = write(row)
        made.append(record)
        return data

    workflow.perform(name, actor=actor, obj=obj, reason=reason, source=source, change=change)
    return made[0]


def events(*, user: Any, application: Any) -> QuerySet[ApplicationEvent]:
    """The timeline of an application the user may see."""
    if not scoping.can_view(user, application):
        return ApplicationEvent.objects.none()
    return application.events.select_related("actor").order_by("at", "id")


class ProgramEventOut(Schema):
    kind: str
    at: dt.datetime
    actor_id: int | None
    reason: str
    data: dict[str, Any]
