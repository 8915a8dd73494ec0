"""The catalogue's two small workflows, declared as data.

- An achievement is kept as a draft by its institution, which publishes it into the public
  catalogue (发布) and may withdraw it (撤回) and publish it again; the date it was first
  published stays.
- An enterprise's technology demand is open (征集中) until the enterprise closes it (关闭);
  it may be corrected while it is open, and a closed one is kept as it was closed.

An institution or enterprise keeps its own records; the province, and a city bureau
within its city, may act for them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.core.workflow import May, Transition, Workflow
from kechuang.market.catalogue.models import Achievement, CatalogueEvent, TechDemand

A = Achievement.Status
D = TechDemand.Status


def may_act_for(actor: Any, org: Any, role: str) -> bool:
    """The organisation's own user, or an admin whose scope holds the organisation."""
    who = scoping.role_of(actor)
    if who == role:
        return bool(actor.organization_id == org.pk)
    if who in (Role.PROVINCE_ADMIN, Role.CITY_ADMIN):
        return scoping.can_edit(actor, org)
    return False


keeper_of_achievement = May(
    lambda u, a: may_act_for(u, a.institution, Role.INSTITUTION), "institution/admin"
)
keeper_of_demand = May(
    lambda u, d: may_act_for(u, d.enterprise, Role.ENTERPRISE), "enterprise/admin"
)


def _emit(link: str) -> Any:
    def emit(kind: str, *, actor: Any, obj: Any, reason: str = "", **data: Any) -> Any:
        return CatalogueEvent.emit(kind, actor=actor, reason=reason, **{link: obj}, **data)

    return emit


def _first_published(achievement: Achievement, on: dt.date) -> None:
    # A re-published achievement keeps the date it first entered the catalogue.
    achievement.published_on = achievement.published_on or on


ACHIEVEMENT = Workflow(
    Achievement,
    [
        Transition(
            "publish",
            _("发布"),
            (A.DRAFT, A.WITHDRAWN),
            A.PUBLISHED,
            keeper_of_achievement,
            event="achievement_published",
            deadline=_first_published,
        ),
        Transition(
            "withdraw",
            _("撤回"),
            (A.PUBLISHED,),
            A.WITHDRAWN,
            keeper_of_achievement,
            event="achievement_withdrawn",
            style="secondary",
            confirm=_("确定从公开目录撤回该成果?"),
        ),
    ],
    emit=_emit("achievement"),
    name="market.achievement",
)

TECH_DEMAND = Workflow(
    TechDemand,
    [
        Transition(
            "edit",
            _("修改"),
            (D.OPEN,),
            None,
            keeper_of_demand,
            style="secondary",
            form="market:demand_edit",
        ),
        Transition(
            "close",
            _("关闭"),
            (D.OPEN,),
            D.CLOSED,
            keeper_of_demand,
            event="demand_closed",
            style="secondary",
            confirm=_("确定关闭该技术需求?关闭后不再征集,也不能修改。"),
        ),
    ],
    emit=_emit("demand"),
    name="market.tech_demand",
)
