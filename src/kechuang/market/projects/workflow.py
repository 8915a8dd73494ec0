"""Provincial S&T plan projects (省级科技计划项目), declared as data.

1. A project is applied for (申报): a challenge whose agreement is recorded by its issuer
   (see `challenges.workflow`, "apply_project"); an innovation-consortium special project
   or a provincial lab's major research project by its lead organisation.
2. The province decides: it approves the project (立项) with the provincial funding, or
   rejects it with the reason.
3. At the end of an approved project the province records the acceptance (验收): passed,
   or failed with the reason.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kechuang.core.workflow import Transition, Workflow, province
from kechuang.market.challenges.workflow import emitter
from kechuang.market.projects.models import PlanProject

P = PlanProject.Status


def _on(field: str):  # type: ignore[no-untyped-def]
    return lambda p, on: setattr(p, field, on)


PROJECT = Workflow(
    PlanProject,
    [
        Transition(
            "approve",
            _("批准立项"),
            (P.APPLIED,),
            P.APPROVED,
            province,
            event="project_approved",
            deadline=_on("approved_on"),
            confirm=_("确定批准立项?"),
        ),
        Transition(
            "reject",
            _("不予立项"),
            (P.APPLIED,),
            P.REJECTED,
            province,
            event="project_rejected",
            reason=True,
            style="danger",
            confirm=_("确定不予立项?"),
        ),
        Transition(
            "accept",
            _("通过验收"),
            (P.APPROVED,),
            P.ACCEPTED,
            province,
            event="project_accepted",
            deadline=_on("concluded_on"),
            confirm=_("确定该项目通过验收?"),
        ),
        Transition(
            "fail",
            _("未通过验收"),
            (P.APPROVED,),
            P.FAILED,
            province,
            event="project_failed",
            reason=True,
            deadline=_on("concluded_on"),
            style="danger",
            confirm=_("确定该项目未通过验收?"),
        ),
    ],
    emit=emitter("project", "challenge"),
    name="market.plan_project",
)
