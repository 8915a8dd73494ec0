"""Provincial plan projects: application, approval (立项) and acceptance (验收).

A challenge whose agreement is signed is applied for by its issuer (the challenge
workflow's "apply_project"); innovation-consortium special projects and provincial-lab
major research projects by their lead organisation. The province decides and accepts
(`market.projects.workflow`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.core.services import object_create
from kechuang.core.workflow import acts_for, day, province
from kechuang.market.challenges.models import Challenge
from kechuang.market.challenges.workflow import CHALLENGE
from kechuang.market.projects.models import ChallengeEvent, PlanProject
from kechuang.market.projects.workflow import PROJECT
from kechuang.registry.models import Platform

K = PlanProject.Kind
S = PlanProject.Status
APPLY_FIELDS = ("name", "kind", "platform", "lead_enterprise", "lead_institution")


def _lead(data: dict[str, Any]) -> None:
    """The lead organisation, its name and city; a lab project defaults to the lab's host."""
    platform = data.get("platform")
    if data["kind"] == K.LAB_MAJOR:
        if not isinstance(platform, Platform) or platform.kind != Platform.Kind.PROVINCIAL_LAB:
            raise ValidationError({"platform": _("省实验室重大科研项目须选择省实验室")})
        if not data.get("lead_enterprise") and not data.get("lead_institution"):
            data["lead_institution"] = platform.host_institution
            data["lead_enterprise"] = platform.host_enterprise
    lead = data.get("lead_enterprise") or data.get("lead_institution")
    if lead is None:
        raise ValidationError({"lead_enterprise": _("请选择承担单位")}, code="required")
    data["lead_name"] = lead.name
    data["city_id"] = lead.city_id


def _create(actor: Any, payload: dict[str, Any], on: dt.date | None, source: str) -> PlanProject:
    return object_create(
        actor=actor,
        model=PlanProject,
        data={**payload, "status": S.APPLIED, "applied_on": day(on)},
        source=source,
    )


@transaction.atomic
def project_apply(
    *,
    actor: Any,
    data: Mapping[str, Any],
    challenge: Challenge | None = None,
    on: dt.date | None = None,
    source: str = "web",
) -> PlanProject:
    """Apply for a plan project: a signed challenge, by its issuer; else by the lead."""
    payload = {k: v for k, v in data.items() if k in APPLY_FIELDS}
    if challenge is not None:
        made: list[PlanProject] = []

        def apply(row: Challenge) -> dict[str, Any]:
            payload.update(
                kind=K.CHALLENGE,
                challenge=row,
                lead_enterprise=row.issuer,
                lead_institution=None,
                platform=None,
            )
            payload.setdefault("name", row.title)
            _lead(payload)
            made.append(_create(actor, payload, on, source))
            return {"project": made[0]}

        CHALLENGE.perform("apply_project", actor=actor, obj=challenge, change=apply, source=source)
        return made[0]
    if payload.get("kind") not in (K.CONSORTIUM, K.LAB_MAJOR):
        raise ValidationError({"kind": _("请选择项目类别")}, code="kind")
    _lead(payload)
    lead_enterprise = payload.get("lead_enterprise")
    lead_institution = payload.get("lead_institution")
    scoping.require(
        province(actor, None)
        or acts_for(actor, getattr(lead_enterprise, "pk", None), Role.ENTERPRISE)
        or acts_for(actor, getattr(lead_institution, "pk", None), Role.INSTITUTION)
    )
    project = _create(actor, payload, on, source)
    ChallengeEvent.emit("project_applied", actor=actor, project=project)
    return project


def project_decide(
    *,
    actor: Any,
    project: PlanProject,
    approve: bool,
    budget: Decimal | None = None,
    on: dt.date | None = None,
    reason: str = "",
    source: str = "web",
) -> PlanProject:
    """The province approves the project with its funding (立项), or rejects it."""
    if not approve:
        return PROJECT.perform("reject", actor=actor, obj=project, reason=reason, source=source)

    def fund(row: PlanProject) -> None:
        if budget is None:
            raise ValidationError({"budget": _("请填写省级财政资助金额")}, code="required")
        row.budget = budget

    return PROJECT.perform(
        "approve", actor=actor, obj=project, reason=reason, on=on, change=fund, source=source
    )


def project_conclude(
    *,
    actor: Any,
    project: PlanProject,
    passed: bool,
    on: dt.date | None = None,
    reason: str = "",
    source: str = "web",
) -> PlanProject:
    """Acceptance (验收) of an approved project: passed, or failed with the reason."""
    name = "accept" if passed else "fail"
    return PROJECT.perform(name, actor=actor, obj=project, reason=reason, on=on, source=source)
