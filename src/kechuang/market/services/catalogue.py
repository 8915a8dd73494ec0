"""Writes for achievements, their transfers and enterprise technology demands.

An institution user keeps its own achievements and transfers, an enterprise user its own
demands; the province (and a city bureau within its city) may act for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.core.services import object_create, object_update
from kechuang.market.models import Achievement, AchievementTransfer, TechDemand
from kechuang.registry.models import Enterprise, Institution


def _may_act_for(actor: Any, org: Any, role: str) -> bool:
    """The organisation's own user, or an admin whose scope holds the organisation."""
    who = scoping.role_of(actor)
    if who == role:
        return bool(actor.organization_id == org.pk)
    if who in (Role.PROVINCE_ADMIN, Role.CITY_ADMIN):
        return scoping.can_edit(actor, org)
    return False


def achievement_create(
    *, actor: Any, institution: Institution, data: Mapping[str, Any], source: str = "web"
) -> Achievement:
    scoping.require(_may_act_for(actor, institution, Role.INSTITUTION))
    return object_create(
        actor=actor,
        model=Achievement,
        data={**data, "institution": institution, "status": Achievement.Status.DRAFT},
        source=source,
    )


def achievement_update(
    *, actor: Any, achievement: Achievement, data: Mapping[str, Any], source: str = "web"
) -> Achievement:
    scoping.require(_may_act_for(actor, achievement.institution, Role.INSTITUTION))
    clean = {k: v for k, v in data.items() if k not in ("institution", "status", "published_on")}
    return object_update(actor=actor, obj=achievement, data=clean, source=source, check=False)


@transaction.atomic
def achievement_publish(
    *, actor: Any, achievement: Achievement, publish: bool = True, source: str = "web"
) -> Achievement:
    """Put an achievement into the public catalogue, or withdraw it."""
    scoping.require(_may_act_for(actor, achievement.institution, Role.INSTITUTION))
    if publish:
        data: dict[str, Any] = {
            "status": Achievement.Status.PUBLISHED,
            "published_on": achievement.published_on or timezone.localdate(),
        }
    else:
        data = {"status": Achievement.Status.WITHDRAWN}
    return object_update(actor=actor, obj=achievement, data=data, source=source, check=False)


def transfer_create(
    *, actor: Any, institution: Institution, data: Mapping[str, Any], source: str = "web"
) -> AchievementTransfer:
    scoping.require(_may_act_for(actor, institution, Role.INSTITUTION))
    payload = {**data, "institution": institution}
    code = (payload.pop("enterprise_uscc", "") or "").strip().upper()
    if code:
        found = Enterprise.objects.filter(uscc=code).first()
        if found is None:
            raise ValidationError(
                {"enterprise_name": _("统一社会信用代码未在本省登记:%(code)s")},
                params={"code": code},
            )
        payload["enterprise"] = found
    enterprise = payload.get("enterprise")
    if isinstance(enterprise, Enterprise) and not payload.get("enterprise_name"):
        payload["enterprise_name"] = enterprise.name
    return object_create(actor=actor, model=AchievementTransfer, data=payload, source=source)


def demand_create(
    *, actor: Any, enterprise: Enterprise, data: Mapping[str, Any], source: str = "web"
) -> TechDemand:
    scoping.require(_may_act_for(actor, enterprise, Role.ENTERPRISE))
    return object_create(
        actor=actor, model=TechDemand, data={**data, "enterprise": enterprise}, source=source
    )


def demand_update(
    *, actor: Any, demand: TechDemand, data: Mapping[str, Any], source: str = "web"
) -> TechDemand:
    scoping.require(_may_act_for(actor, demand.enterprise, Role.ENTERPRISE))
    clean = {k: v for k, v in data.items() if k != "enterprise"}
    return object_update(actor=actor, obj=demand, data=clean, source=source, check=False)
