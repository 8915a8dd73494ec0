"""What the program workflows share: an application's event row, and the two steps every
application takes through the public notice (公示) — put on a notice, or kept out of the
round by an upheld objection."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kechuang.core.workflow import Label, Transition, province
from kechuang.programs.models import (
    ApplicationEvent,
    GradientApplication,
    Objection,
    Program,
    TechSMEApplication,
)

Application = TechSMEApplication | GradientApplication

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
    tech_sme = application if isinstance(application, TechSMEApplication) else None
    gradient = application if isinstance(application, GradientApplication) else None
    if application is not None:
        enterprise = application.enterprise
        program = gradient.program if gradient is not None else Program.TECH_SME
    assert enterprise is not None and program is not None
    return ApplicationEvent.emit(
        kind,
        actor=None if kind in ANONYMOUS else actor,
        reason=reason,
        enterprise=enterprise,
        program=program,
        tech_sme=tech_sme,
        gradient=gradient,
        **data,
    )


def emit(kind: str, *, actor: Any, obj: Application, reason: str = "", **data: Any) -> Any:
    """The `emit` of the application workflows."""
    return event(kind, actor, application=obj, reason=reason, **data)


def upheld_objection(app: Application) -> Label:
    entry = getattr(app, "notice_entry", None)
    if entry is not None and entry.objections.filter(decision=Objection.Decision.UPHELD).exists():
        return ""
    return _("公示异议成立后方可办理")


def notice_steps(ready: str, in_notice: str, rejected: str, form: str) -> list[Transition]:
    """Publication on a notice batch (from the notice form, one batch for many applications)
    and the exclusion an upheld objection brings about."""
    return [
        Transition(
            "publish",
            _("列入公示"),
            (ready,),
            in_notice,
            province,
            "publicised",
            confirm=_("发布后公示即对外公开,确定发布?"),
            form=form,
        ),
        Transition(
            "exclude",
            _("异议成立,不予通过"),
            (in_notice,),
            rejected,
            province,
            guard=upheld_objection,
        ),
    ]
