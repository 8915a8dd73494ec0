"""The challenge-list workflow (揭榜挂帅): the services behind each step.

Who may take a step, from which state, with which event, is declared once in
`market.challenges.workflow`; these services create the records (a call, a demand, a
list, a bid) and make what is particular to a step (opening a list's items, the other
bids of a selection, the agreement row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, scoping, uscc
from kechuang.core.audit import user_or_none
from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role
from kechuang.core.services import object_create
from kechuang.core.workflow import day, province
from kechuang.market.challenges import affiliation
from kechuang.market.challenges.models import (
    Challenge,
    ChallengeAgreement,
    ChallengeBid,
    ChallengeCall,
    ChallengeDemand,
    ChallengeListBatch,
)
from kechuang.market.challenges.workflow import BATCH, BID, CHALLENGE, DEMAND, bidding_closed
from kechuang.market.projects.models import ChallengeEvent
from kechuang.registry.models import Enterprise, Institution

BID_FIELDS = ("proposal", "team", "price")
OUTSIDE_FIELDS = ("solver_name", "solver_kind", "solver_uscc", "solver_country")
_KIND_OF_INSTITUTION = {
    "university": ChallengeBid.SolverKind.UNIVERSITY,
    "institute": ChallengeBid.SolverKind.INSTITUTE,
    "new_rd": ChallengeBid.SolverKind.NEW_RD,
}


def _set(actor: Any, obj: Any, status: str, source: str) -> None:
    """A consequence of a transition on a related row (the items of a list, the other
    bids): its state follows, audited, without an action of its own."""
    before = audit.snapshot(obj)
    obj.status = status
    obj.save(update_fields=["status", "updated_at"])
    audit.record(actor, AuditEntry.Action.UPDATE, obj, before, audit.snapshot(obj), source=source)


def _province(actor: Any) -> None:
    scoping.require(province(actor, None))


@transaction.atomic
def call_create(*, actor: Any, data: Mapping[str, Any], source: str = "web") -> ChallengeCall:
    _province(actor)
    call = object_create(actor=actor, model=ChallengeCall, data=data, source=source)
    ChallengeEvent.emit("call_opened", actor=actor, call=call)
    return call


@transaction.atomic
def challenge_demand_propose(
    *,
    actor: Any,
    call: ChallengeCall,
    enterprise: Enterprise,
    data: Mapping[str, Any],
    on: dt.date | None = None,
    source: str = "web",
) -> ChallengeDemand:
    """An enterprise proposes a demand while the call is open."""
    # Who may propose is who may correct it afterwards (the workflow's "edit").
    scoping.require(DEMAND["edit"].who(actor, ChallengeDemand(enterprise=enterprise)))
    if not call.is_open(day(on)):
        raise ValidationError(_("需求征集不在开放期内"), code="call_closed")
    clean = {k: v for k, v in data.items() if k not in ("call", "enterprise", "status")}
    demand = object_create(
        actor=actor,
        model=ChallengeDemand,
        data={**clean, "call": call, "enterprise": enterprise},
        source=source,
    )
    ChallengeEvent.emit("demand_proposed", actor=actor, call=call, demand=demand)
    return demand


def challenge_demand_decline(
    *, actor: Any, demand: ChallengeDemand, reason: str, source: str = "web"
) -> ChallengeDemand:
    return DEMAND.perform("decline", actor=actor, obj=demand, reason=reason, source=source)


@transaction.atomic
def batch_create(*, actor: Any, data: Mapping[str, Any], source: str = "web") -> ChallengeListBatch:
    _province(actor)
    clean = {k: v for k, v in data.items() if k not in ("status", "published_on")}
    batch = object_create(actor=actor, model=ChallengeListBatch, data=clean, source=source)
    ChallengeEvent.emit("batch_created", actor=actor, batch=batch)
    return batch


def _from_demand(payload: dict[str, Any], demand: ChallengeDemand) -> None:
    issuer = payload.get("issuer")
    if issuer is not None and issuer != demand.enterprise:
        raise ValidationError({"issuer": _("发榜企业应为提出需求的企业")}, code="issuer")
    payload.setdefault("issuer", demand.enterprise)
    for name in ("title", "need", "targets", "field"):
        if not payload.get(name) and not payload.get(f"{name}_id"):
            payload[name] = getattr(demand, name)


@transaction.atomic
def challenge_create(
    *,
    actor: Any,
    batch: ChallengeListBatch,
    data: Mapping[str, Any],
    demand: ChallengeDemand | None = None,
    source: str = "web",
) -> Challenge:
    """Refine a demand (or a need found otherwise) into an item of a list being drawn up."""
    payload = {k: v for k, v in data.items() if k not in ("batch", "status", "demand")}
    if demand is not None:
        demand = ChallengeDemand.objects.select_for_update().get(pk=demand.pk)
        if demand.status == ChallengeDemand.Status.DECLINED:
            raise ValidationError(_("该需求未被采纳"), code="bad_status")
        _from_demand(payload, demand)
    made: list[Challenge] = []

    def add(row: ChallengeListBatch) -> dict[str, Any]:
        made.append(
            object_create(
                actor=actor,
                model=Challenge,
                data={**payload, "batch": row, "demand": demand, "status": Challenge.Status.DRAFT},
                source=source,
            )
        )
        return {"challenge": made[0]}

    BATCH.perform("add_challenge", actor=actor, obj=batch, change=add, source=source)
    # A demand is adopted with its first challenge; it may be refined into more.
    if demand is not None and DEMAND.may(actor, demand, "adopt"):
        DEMAND.perform("adopt", actor=actor, obj=demand, data={"challenge": made[0]}, source=source)
    return made[0]


def batch_publish(
    *, actor: Any, batch: ChallengeListBatch, on: dt.date | None = None, source: str = "web"
) -> ChallengeListBatch:
    """Publish the list: its challenges open for bids, and the public sees them."""

    def open_items(row: ChallengeListBatch) -> dict[str, Any]:
        items = list(row.challenges.select_for_update().order_by("id"))
        late = [c.title for c in items if c.deadline < day(on)]
        if late:
            raise ValidationError(
                _("揭榜截止日期早于发布日期:%(titles)s"),
                code="deadline_passed",
                params={"titles": "、".join(late)},
            )
        for c in items:  # the items open with their list, not by an action of their own
            _set(actor, c, Challenge.Status.OPEN, source)
        return {"challenges": len(items)}

    return BATCH.perform("publish", actor=actor, obj=batch, on=on, change=open_items, source=source)


def batch_close(
    *, actor: Any, batch: ChallengeListBatch, reason: str = "", source: str = "web"
) -> ChallengeListBatch:
    return BATCH.perform("close", actor=actor, obj=batch, reason=reason, source=source)


def _solver(actor: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """Who bids: the actor's own organisation, or whom the province names."""
    role = scoping.role_of(actor)
    if role == Role.ENTERPRISE and actor.organization_id is not None:
        return {"solver_enterprise": Enterprise.objects.get(pk=actor.organization_id)}
    if role == Role.INSTITUTION and actor.organization_id is not None:
        return {"solver_institution": Institution.objects.get(pk=actor.organization_id)}
    scoping.require(role == Role.PROVINCE_ADMIN)
    out: dict[str, Any] = {}
    code = uscc.compact(str(data.get("solver_uscc") or ""))
    if data.get("solver_enterprise") is not None:
        out["solver_enterprise"] = data["solver_enterprise"]
    elif data.get("solver_institution") is not None:
        out["solver_institution"] = data["solver_institution"]
    elif code and (found := Enterprise.objects.filter(uscc=code).first()) is not None:
        out["solver_enterprise"] = found
    elif code and (inst := Institution.objects.filter(uscc=code).first()) is not None:
        out["solver_institution"] = inst
    else:
        out = {k: data.get(k) or "" for k in OUTSIDE_FIELDS}
        out["solver_uscc"] = code
        out["solver_country"] = (str(out["solver_country"]) or "CN").upper()
        if not out["solver_name"]:
            raise ValidationError({"solver_name": _("请填写揭榜方名称")}, code="required")
    return out


def _fill_solver(bid: ChallengeBid) -> None:
    org = bid.solver_enterprise or bid.solver_institution
    if org is None:
        return
    bid.solver_name = org.name
    bid.solver_uscc = org.uscc
    bid.solver_country = "CN"
    if bid.solver_enterprise is not None:
        bid.solver_kind = ChallengeBid.SolverKind.ENTERPRISE
    else:
        bid.solver_kind = _KIND_OF_INSTITUTION[bid.solver_institution.kind]  # type: ignore[union-attr]


def _refuse_ties(challenge: Challenge, bid: ChallengeBid) -> None:
    found = affiliation.tie(
        challenge.issuer,
        enterprise=bid.solver_enterprise,
        institution=bid.solver_institution,
        uscc=bid.solver_uscc,
        name=bid.solver_name,
    )
    if found is not None:
        raise ValidationError(found.message, code=found.code, params=found.params)


def _has_live_bid(challenge: Challenge, bid: ChallengeBid) -> bool:
    live = challenge.bids.exclude(status=ChallengeBid.Status.WITHDRAWN)
    if bid.solver_enterprise_id is not None:
        return live.filter(solver_enterprise_id=bid.solver_enterprise_id).exists()
    if bid.solver_institution_id is not None:
        return live.filter(solver_institution_id=bid.solver_institution_id).exists()
    return live.filter(solver_name=bid.solver_name, solver_country=bid.solver_country).exists()


@transaction.atomic
def bid_submit(
    *,
    actor: Any,
    challenge: Challenge,
    data: Mapping[str, Any],
    on: dt.date | None = None,
    source: str = "web",
) -> ChallengeBid:
    """A solver takes up a challenge (揭榜). The issuer and its affiliates are refused."""
    solver = _solver(actor, data)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not challenge.accepts_bids(day(on)):
        raise ValidationError(_("该榜单项目不在揭榜期内"), code="not_open")
    bid = ChallengeBid(
        challenge=challenge,
        **solver,
        **{k: v for k, v in data.items() if k in BID_FIELDS},
        submitted_by=user_or_none(actor),
    )
    _fill_solver(bid)
    _refuse_ties(challenge, bid)
    if _has_live_bid(challenge, bid):
        raise ValidationError(_("该揭榜方已揭榜此项目"), code="already_bid")
    if bid.price is not None and Decimal(bid.price) > challenge.budget_cap:
        raise ValidationError({"price": _("报价不能高于榜额上限")}, code="price_above_cap")
    bid.full_clean()
    bid.save()
    audit.record(actor, AuditEntry.Action.CREATE, bid, None, audit.snapshot(bid), source=source)
    ChallengeEvent.emit("bid_submitted", actor=actor, challenge=challenge, bid=bid)
    return bid


def bid_withdraw(
    *, actor: Any, bid: ChallengeBid, reason: str = "", source: str = "web"
) -> ChallengeBid:
    return BID.perform("withdraw", actor=actor, obj=bid, reason=reason, source=source)


def bid_select(
    *,
    actor: Any,
    bid: ChallengeBid,
    on: dt.date | None = None,
    reason: str = "",
    source: str = "web",
) -> ChallengeBid:
    """The issuer (or the province for it) chooses a solver once bidding has closed and
    the expert review, if any was assigned, is complete or ended by the province."""

    def choose(row: ChallengeBid) -> None:
        challenge = Challenge.objects.select_for_update().get(pk=row.challenge_id)
        if (why := bidding_closed(challenge, day(on))) is not None:
            raise why
        others = challenge.bids.filter(status=ChallengeBid.Status.SUBMITTED).exclude(pk=row.pk)
        for other in others:
            _set(actor, other, ChallengeBid.Status.NOT_SELECTED, source)
        _set(actor, challenge, Challenge.Status.SELECTED, source)

    return BID.perform("select", actor=actor, obj=bid, reason=reason, change=choose, source=source)


def agreement_record(
    *,
    actor: Any,
    challenge: Challenge,
    signed_on: dt.date,
    amount: Decimal,
    note: str = "",
    source: str = "web",
) -> ChallengeAgreement:
    """The province records the agreement the issuer signed with the selected solver."""
    made: list[ChallengeAgreement] = []

    def record(row: Challenge) -> dict[str, Any]:
        bid = row.bids.get(status=ChallengeBid.Status.SELECTED)
        if Decimal(amount) > row.budget_cap:
            raise ValidationError({"amount": _("合同金额不能高于榜额上限")}, code="above_cap")
        if signed_on > timezone.localdate():
            raise ValidationError({"signed_on": _("签约日期不能晚于今天")}, code="future")
        data = {"challenge": row, "bid": bid, "signed_on": signed_on, "amount": amount}
        made.append(
            object_create(
                actor=actor, model=ChallengeAgreement, data={**data, "note": note}, source=source
            )
        )
        return {"bid": bid, "amount": str(amount)}

    CHALLENGE.perform("record_agreement", actor=actor, obj=challenge, change=record, source=source)
    return made[0]


def challenge_unawarded(
    *,
    actor: Any,
    challenge: Challenge,
    reason: str,
    on: dt.date | None = None,
    source: str = "web",
) -> Challenge:
    """No solver, or no agreement: the challenge ends unawarded (流榜)."""

    def end(row: Challenge) -> None:
        if row.status == Challenge.Status.OPEN and (why := bidding_closed(row, day(on))):
            raise why
        live = [ChallengeBid.Status.SUBMITTED, ChallengeBid.Status.SELECTED]
        for bid in row.bids.filter(status__in=live):
            _set(actor, bid, ChallengeBid.Status.NOT_SELECTED, source)

    return CHALLENGE.perform(
        "unawarded", actor=actor, obj=challenge, reason=reason, change=end, source=source
    )
