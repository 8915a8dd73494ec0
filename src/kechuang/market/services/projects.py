"""Provincial plan projects: application, approval (立项) and acceptance (验收).

A challenge whose agreement is signed is applied for by its issuer; innovation-consortium
special projects and provincial-lab major research projects by their lead organisation.
The province decides and accepts.
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
from kechuang.core.services import object_create, object_update
from kechuang.market.models import Challenge, PlanProject
from kechuang.market.services.workflow import (
    acts_for,
    day,
    event,
    is_province,
    lock,
    require_reason,
    require_status,
)
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
        challenge = lock(challenge)
        scoping.require(is_province(actor) or acts_for(actor, Role.ENTERPRISE, challenge.issuer_id))
        require_status(challenge, Challenge.Status.SIGNED)
        if PlanProject.objects.filter(challenge=challenge).exists():
            raise ValidationError(_("该榜单项目已申报"), code="already_applied")
        payload.update(
            kind=K.CHALLENGE,
            challenge=challenge,
            lead_enterprise=challenge.issuer,
            lead_institution=None,
            platform=None,
        )
        payload.setdefault("name", challenge.title)
    else:
        if payload.get("kind") not in (K.CONSORTIUM, K.LAB_MAJOR):
            raise ValidationError({"kind": _("请选择项目类别")}, code="kind")
        _lead(payload)
        lead_enterprise = payload.get("lead_enterprise")
        lead_institution = payload.get("lead_institution")
        scoping.require(
            is_province(actor)
            or acts_for(actor, Role.ENTERPRISE, getattr(lead_enterprise, "pk", None))
            or acts_for(actor, Role.INSTITUTION, getattr(lead_institution, "pk", None))
        )
    if payload["kind"] == K.CHALLENGE:
        _lead(payload)
    project = object_create(
        actor=actor,
        model=PlanProject,
        data={**payload, "status": S.APPLIED, "applied_on": day(on)},
        source=source,
    )
    event("project_applied", actor, challenge=challenge, project=project)
    return project


@transaction.atomic
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
    scoping.require(is_province(actor))
    project = lock(project)
    require_status(project, S.APPLIED)
    if approve:
        if budget is None:
            raise ValidationError({"budget": _("请填写省级财政资助金额")}, code="required")
        data = {"status": S.APPROVED, "approved_on": day(on), "budget": budget}
        kind = "project_approved"
    else:
        require_reason(reason)
        data = {"status": S.REJECTED}
        kind = "project_rejected"
    project = object_update(actor=actor, obj=project, data=data, source=source, check=False)
    event(kind, actor, reason=reason, challenge=project.challenge, project=project)
    return project


@transaction.atomic
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
    scoping.require(is_province(actor))
    project = lock(project)
    require_status(project, S.APPROVED)
    if not passed:
        require_reason(reason)
    data = {"status": S.ACCEPTED if passed else S.FAILED, "concluded_on": day(on)}
    project = object_update(actor=actor, obj=project, data=data, source=source, check=False)
    kind = "project_accepted" if passed else "project_failed"
    event(kind, actor, reason=reason, challenge=project.challenge, project=project)
    return project
