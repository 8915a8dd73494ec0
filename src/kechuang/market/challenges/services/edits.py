"""Corrections to the challenge workflow's records while they may still change.

An enterprise (or an admin who may act for it) corrects a demand until the province has
adopted or declined it; the province corrects an item of a list, and the list itself,
until the list is published — after that, solvers have bid on what was published — and a
call for demands until it closes, when enterprises have proposed on what it said. Who may
correct what, and until which state, is the workflows' "edit" transition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.services import object_update
from kechuang.core.workflow import Workflow, day, province
from kechuang.market.challenges.models import (
    Challenge,
    ChallengeCall,
    ChallengeDemand,
    ChallengeListBatch,
)
from kechuang.market.challenges.workflow import BATCH, CHALLENGE, DEMAND

DEMAND_EDIT = ("title", "need", "targets", "budget", "field")
CHALLENGE_EDIT = ("title", "need", "targets", "budget_cap", "deadline", "field")
CALL_EDIT = ("title", "theme", "description", "opens_on", "closes_on")
BATCH_EDIT = ("title", "call")
LOCKED = {
    "market.challenge_demand": _("需求已纳入榜单或未被采纳,不能修改"),
    "market.challenge": _("榜单项目已发布,不能修改"),
    "market.challenge_batch": _("榜单已发布,不能修改"),
}


def may_edit_challenge_demand(actor: Any, demand: ChallengeDemand) -> bool:
    return bool(DEMAND["edit"].who(actor, demand))


def _locked(workflow: Workflow[Any], obj: Any) -> str | None:
    """Why the record may no longer be corrected, for the edit page (None while it may)."""
    if workflow.state(obj) in workflow["edit"].source:
        return None
    return str(LOCKED[workflow.name])


def challenge_demand_locked(demand: ChallengeDemand) -> str | None:
    return _locked(DEMAND, demand)


def challenge_locked(challenge: Challenge) -> str | None:
    return _locked(CHALLENGE, challenge)


def batch_locked(batch: ChallengeListBatch) -> str | None:
    return _locked(BATCH, batch)


def call_locked(call: ChallengeCall, on: dt.date | None = None) -> str | None:
    if day(on) > call.closes_on:
        return str(_("需求征集已截止,不能修改"))
    return None


def _pick(data: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in names or k.removesuffix("_id") in names}


def _edit(
    workflow: Workflow[Any],
    actor: Any,
    obj: Any,
    data: Mapping[str, Any],
    fields: tuple[str, ...],
    source: str,
) -> Any:
    """Perform the workflow's "edit": permission, then the state (refused as "locked")."""
    obj = type(obj)._default_manager.get(pk=obj.pk)  # the state as stored, not as passed
    scoping.require(workflow["edit"].who(actor, obj))
    if (why := _locked(workflow, obj)) is not None:
        raise ValidationError(why, code="locked")

    def apply(row: Any) -> None:
        for name, value in _pick(data, fields).items():
            setattr(row, name, value)
        row.full_clean()

    return workflow.perform("edit", actor=actor, obj=obj, change=apply, source=source)


def challenge_demand_update(
    *, actor: Any, demand: ChallengeDemand, data: Mapping[str, Any], source: str = "web"
) -> ChallengeDemand:
    return _edit(DEMAND, actor, demand, data, DEMAND_EDIT, source)


def challenge_update(
    *, actor: Any, challenge: Challenge, data: Mapping[str, Any], source: str = "web"
) -> Challenge:
    return _edit(CHALLENGE, actor, challenge, data, CHALLENGE_EDIT, source)


def batch_update(
    *, actor: Any, batch: ChallengeListBatch, data: Mapping[str, Any], source: str = "web"
) -> ChallengeListBatch:
    """The province corrects a list's title or call while the list is drawn up."""
    return _edit(BATCH, actor, batch, data, BATCH_EDIT, source)


@transaction.atomic
def call_update(
    *,
    actor: Any,
    call: ChallengeCall,
    data: Mapping[str, Any],
    on: dt.date | None = None,
    source: str = "web",
) -> ChallengeCall:
    """The province corrects a call (its dates too) until the call has closed.

    A call has no state: it is locked by its closing date."""
    call = ChallengeCall.objects.select_for_update().get(pk=call.pk)
    scoping.require(province(actor, None))
    if (why := call_locked(call, on)) is not None:
        raise ValidationError(why, code="locked")
    return object_update(
        actor=actor, obj=call, data=_pick(data, CALL_EDIT), source=source, check=False
    )
