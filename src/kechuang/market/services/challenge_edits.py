"""Corrections to the challenge workflow's records while they may still change.

An enterprise (or an admin who may act for it) corrects a demand until the province has
adopted or declined it; the province corrects an item of a list, and the list itself,
until the list is published — after that, solvers have bid on what was published — and a
call for demands until it closes, when enterprises have proposed on what it said.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.core.services import object_update
from kechuang.market.models import Challenge, ChallengeCall, ChallengeDemand, ChallengeListBatch
from kechuang.market.services.workflow import acts_for, day, is_province, lock

DEMAND_EDIT = ("title", "need", "targets", "budget", "field")
CHALLENGE_EDIT = ("title", "need", "targets", "budget_cap", "deadline", "field")
CALL_EDIT = ("title", "theme", "description", "opens_on", "closes_on")
BATCH_EDIT = ("title", "call")


def may_edit_demand(actor: Any, demand: ChallengeDemand) -> bool:
    """Who proposes demands for the enterprise may correct them (as `demand_propose`)."""
    return acts_for(actor, Role.ENTERPRISE, demand.enterprise_id) or (
        scoping.role_of(actor) in (Role.PROVINCE_ADMIN, Role.CITY_ADMIN)
        and scoping.can_edit(actor, demand.enterprise)
    )


def demand_locked(demand: ChallengeDemand) -> str | None:
    if demand.status != ChallengeDemand.Status.SUBMITTED:
        return str(_("需求已纳入榜单或未被采纳,不能修改"))
    return None


def challenge_locked(challenge: Challenge) -> str | None:
    if challenge.status != Challenge.Status.DRAFT:
        return str(_("榜单项目已发布,不能修改"))
    return None


def call_locked(call: ChallengeCall, on: dt.date | None = None) -> str | None:
    if day(on) > call.closes_on:
        return str(_("需求征集已截止,不能修改"))
    return None


def batch_locked(batch: ChallengeListBatch) -> str | None:
    if batch.status != ChallengeListBatch.Status.DRAFT:
        return str(_("榜单已发布,不能修改"))
    return None


def _pick(data: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in names or k.removesuffix("_id") in names}


@transaction.atomic
def challenge_demand_update(
    *, actor: Any, demand: ChallengeDemand, data: Mapping[str, Any], source: str = "web"
) -> ChallengeDemand:
    demand = lock(demand)
    scoping.require(may_edit_demand(actor, demand))
    if (why := demand_locked(demand)) is not None:
        raise ValidationError(why, code="locked")
    return object_update(
        actor=actor, obj=demand, data=_pick(data, DEMAND_EDIT), source=source, check=False
    )


def _province_update(
    actor: Any,
    obj: Any,
    why_locked: Callable[[Any], str | None],
    data: Mapping[str, Any],
    fields: tuple[str, ...],
    source: str,
) -> Any:
    """The province corrects a record of the workflow, unless its state has locked it."""
    obj = lock(obj)
    scoping.require(is_province(actor))
    if (why := why_locked(obj)) is not None:
        raise ValidationError(why, code="locked")
    return object_update(actor=actor, obj=obj, data=_pick(data, fields), source=source, check=False)


@transaction.atomic
def challenge_update(
    *, actor: Any, challenge: Challenge, data: Mapping[str, Any], source: str = "web"
) -> Challenge:
    return _province_update(actor, challenge, challenge_locked, data, CHALLENGE_EDIT, source)


@transaction.atomic
def call_update(
    *,
    actor: Any,
    call: ChallengeCall,
    data: Mapping[str, Any],
    on: dt.date | None = None,
    source: str = "web",
) -> ChallengeCall:
    """The province corrects a call (its dates too) until the call has closed."""
    return _province_update(actor, call, lambda c: call_locked(c, on), data, CALL_EDIT, source)


@transaction.atomic
def batch_update(
    *, actor: Any, batch: ChallengeListBatch, data: Mapping[str, Any], source: str = "web"
) -> ChallengeListBatch:
    """The province corrects a list's title or call while the list is drawn up."""
    return _province_update(actor, batch, batch_locked, data, BATCH_EDIT, source)
