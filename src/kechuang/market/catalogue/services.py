"""Writes for achievements, their transfers and enterprise technology demands.

An institution user keeps its own achievements and transfers, an enterprise user its own
demands; the province (and a city bureau within its city) may act for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.core.services import object_create, object_update
from kechuang.market.catalogue.models import Achievement, AchievementTransfer, TechDemand
from kechuang.market.catalogue.workflow import ACHIEVEMENT, TECH_DEMAND, may_act_for
from kechuang.registry.models import Enterprise, Institution

M = TypeVar("M", bound=models.Model)


def may_update(actor: Any, obj: Achievement | AchievementTransfer | TechDemand) -> bool:
    """Whether `actor` keeps `obj`: its institution or enterprise, or an admin in scope."""
    if isinstance(obj, TechDemand):
        return may_act_for(actor, obj.enterprise, Role.ENTERPRISE)
    return may_act_for(actor, obj.institution, Role.INSTITUTION)


def locked_reason(obj: Any) -> str | None:
    """Why `obj` may no longer be edited, or None."""
    if isinstance(obj, TechDemand) and TECH_DEMAND.state(obj) not in TECH_DEMAND["edit"].source:
        return str(_("技术需求已关闭,不能修改"))
    contract = getattr(obj, "contract", None) if isinstance(obj, AchievementTransfer) else None
    if contract is not None and contract.is_registered:
        return str(_("该成果转化的技术合同已登记,不能修改"))
    return None


def achievement_create(
    *, actor: Any, institution: Institution, data: Mapping[str, Any], source: str = "web"
) -> Achievement:
    scoping.require(may_act_for(actor, institution, Role.INSTITUTION))
    return object_create(
        actor=actor,
        model=Achievement,
        data={**data, "institution": institution, "status": Achievement.Status.DRAFT},
        source=source,
    )


@transaction.atomic
def achievement_update(
    *, actor: Any, achievement: Achievement, data: Mapping[str, Any], source: str = "web"
) -> Achievement:
    """Change what an achievement says; a published one changes in the catalogue at once."""
    achievement = _fresh(achievement)
    scoping.require(may_act_for(actor, achievement.institution, Role.INSTITUTION))
    clean = {k: v for k, v in data.items() if k not in ("institution", "status", "published_on")}
    return object_update(actor=actor, obj=achievement, data=clean, source=source, check=False)


def achievement_publish(
    *, actor: Any, achievement: Achievement, publish: bool = True, source: str = "web"
) -> Achievement:
    """Put an achievement into the public catalogue, or withdraw it."""
    name = "publish" if publish else "withdraw"
    return ACHIEVEMENT.perform(name, actor=actor, obj=achievement, source=source)


def transfer_create(
    *, actor: Any, institution: Institution, data: Mapping[str, Any], source: str = "web"
) -> AchievementTransfer:
    scoping.require(may_act_for(actor, institution, Role.INSTITUTION))
    payload = _transferee({**data, "institution": institution})
    return object_create(actor=actor, model=AchievementTransfer, data=payload, source=source)


@transaction.atomic
def transfer_update(
    *, actor: Any, transfer: AchievementTransfer, data: Mapping[str, Any], source: str = "web"
) -> AchievementTransfer:
    """Correct a transfer. Once its contract is registered, the registration is the record
    of the deal, so the transfer no longer changes."""
    transfer = _fresh(transfer)
    scoping.require(may_act_for(actor, transfer.institution, Role.INSTITUTION))
    if (why := locked_reason(transfer)) is not None:
        raise ValidationError(why, code="locked")
    payload = _transferee({k: v for k, v in data.items() if k != "institution"})
    achievement = payload.get("achievement")
    if achievement is not None and achievement.institution_id != transfer.institution_id:
        raise ValidationError({"achievement": _("只能选择本单位的科技成果")}, code="foreign")
    return object_update(actor=actor, obj=transfer, data=payload, source=source, check=False)


def _transferee(payload: dict[str, Any]) -> dict[str, Any]:
    """The receiving enterprise named by its code, when it is registered here."""
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
    return payload


def _fresh(obj: M) -> M:
    """The row as stored, locked: a bound form may have changed the instance it was given."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def demand_create(
    *, actor: Any, enterprise: Enterprise, data: Mapping[str, Any], source: str = "web"
) -> TechDemand:
    scoping.require(may_act_for(actor, enterprise, Role.ENTERPRISE))
    return object_create(
        actor=actor, model=TechDemand, data={**data, "enterprise": enterprise}, source=source
    )


@transaction.atomic
def demand_update(
    *, actor: Any, demand: TechDemand, data: Mapping[str, Any], source: str = "web"
) -> TechDemand:
    """Change an open demand; a closed one is kept as it was closed."""
    demand = _fresh(demand)
    scoping.require(TECH_DEMAND["edit"].who(actor, demand))
    if (why := locked_reason(demand)) is not None:
        raise ValidationError(why, code="locked")
    clean = {k: v for k, v in data.items() if k not in ("enterprise", "status")}

    def apply(row: TechDemand) -> None:
        for name, value in clean.items():
            setattr(row, name, value)
        row.full_clean()

    return TECH_DEMAND.perform("edit", actor=actor, obj=demand, change=apply, source=source)


def demand_close(
    *, actor: Any, demand: TechDemand, reason: str = "", source: str = "web"
) -> TechDemand:
    """The enterprise (or an admin for it) ends the search: the demand leaves the public
    list and no longer changes."""
    return TECH_DEMAND.perform("close", actor=actor, obj=demand, reason=reason, source=source)
