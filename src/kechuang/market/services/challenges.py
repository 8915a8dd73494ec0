"""The challenge-list workflow (揭榜挂帅), one transition per service.

The province runs the calls and the lists, records agreements and declares a challenge
unawarded; enterprises propose demands (a city bureau may for the enterprises of its city);
enterprises and institutions bid for themselves and the province records bids of outside
parties; the issuer, or the province for it, selects the bid.
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
from kechuang.market import affiliation
from kechuang.market.models import (
    Challenge,
    ChallengeAgreement,
    ChallengeBid,
    ChallengeCall,
    ChallengeDemand,
    ChallengeListBatch,
)
from kechuang.market.services.reviews import require_reviews_in
from kechuang.market.services.workflow import (
    acts_for,
    day,
    event,
    is_province,
    lock,
    require_reason,
    require_status,
)
from kechuang.registry.models import Enterprise, Institution

BID_FIELDS = ("proposal", "team", "price")
OUTSIDE_FIELDS = ("solver_name", "solver_kind", "solver_uscc", "solver_country")
_KIND_OF_INSTITUTION = {
    "university": ChallengeBid.SolverKind.UNIVERSITY,
    "institute": ChallengeBid.SolverKind.INSTITUTE,
    "new_rd": ChallengeBid.SolverKind.NEW_RD,
}


def _update(actor: Any, obj: Any, source: str, **changes: Any) -> None:
    before = audit.snapshot(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    audit.record(actor, AuditEntry.Action.UPDATE, obj, before, audit.snapshot(obj), source=source)


@transaction.atomic
def call_create(*, actor: Any, data: Mapping[str, Any], source: str = "web") -> ChallengeCall:
    scoping.require(is_province(actor))
    call = object_create(actor=actor, model=ChallengeCall, data=data, source=source)
    event("call_opened", actor, call=call)
    return call


@transaction.atomic
def demand_propose(
    *,
    actor: Any,
    call: ChallengeCall,
    enterprise: Enterprise,
    data: Mapping[str, Any],
    on: dt.date | None = None,
    source: str = "web",
) -> ChallengeDemand:
    """An enterprise proposes a demand while the call is open."""
    allowed = acts_for(actor, Role.ENTERPRISE, enterprise.pk) or (
        scoping.role_of(actor) in (Role.PROVINCE_ADMIN, Role.CITY_ADMIN)
        and scoping.can_edit(actor, enterprise)
    )
    scoping.require(allowed)
    if not call.is_open(day(on)):
        raise ValidationError(_("需求征集不在开放期内"), code="call_closed")
    clean = {k: v for k, v in data.items() if k not in ("call", "enterprise", "status")}
    demand = object_create(
        actor=actor,
        model=ChallengeDemand,
        data={**clean, "call": call, "enterprise": enterprise},
        source=source,
    )
    event("demand_proposed", actor, call=call, demand=demand)
    return demand


@transaction.atomic
def demand_decline(
    *, actor: Any, demand: ChallengeDemand, reason: str, source: str = "web"
) -> ChallengeDemand:
    scoping.require(is_province(actor))
    demand = lock(demand)
    require_status(demand, ChallengeDemand.Status.SUBMITTED)
    require_reason(reason)
    _update(actor, demand, source, status=ChallengeDemand.Status.DECLINED)
    event("demand_declined", actor, reason=reason, call=demand.call, demand=demand)
    return demand


@transaction.atomic
def batch_create(*, actor: Any, data: Mapping[str, Any], source: str = "web") -> ChallengeListBatch:
    scoping.require(is_province(actor))
    clean = {k: v for k, v in data.items() if k not in ("status", "published_on")}
    batch = object_create(actor=actor, model=ChallengeListBatch, data=clean, source=source)
    event("batch_created", actor, batch=batch)
    return batch


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
    scoping.require(is_province(actor))
    batch = lock(batch)
    require_status(batch, ChallengeListBatch.Status.DRAFT)
    payload = {k: v for k, v in data.items() if k not in ("batch", "status", "demand")}
    if demand is not None:
        demand = lock(demand)
        require_status(demand, ChallengeDemand.Status.SUBMITTED, ChallengeDemand.Status.ADOPTED)
        issuer = payload.get("issuer")
        if issuer is not None and issuer != demand.enterprise:
            raise ValidationError({"issuer": _("发榜企业应为提出需求的企业")}, code="issuer")
        payload.setdefault("issuer", demand.enterprise)
        for name in ("title", "need", "targets", "field"):
            if not payload.get(name) and not payload.get(f"{name}_id"):
                payload[name] = getattr(demand, name)
    challenge = object_create(
        actor=actor,
        model=Challenge,
        data={**payload, "batch": batch, "demand": demand, "status": Challenge.Status.DRAFT},
        source=source,
    )
    event("challenge_added", actor, batch=batch, challenge=challenge)
    if demand is not None and demand.status != ChallengeDemand.Status.ADOPTED:
        _update(actor, demand, source, status=ChallengeDemand.Status.ADOPTED)
        event("demand_adopted", actor, demand=demand, challenge=challenge)
    return challenge


@transaction.atomic
def batch_publish(
    *, actor: Any, batch: ChallengeListBatch, on: dt.date | None = None, source: str = "web"
) -> ChallengeListBatch:
    """Publish the list: its challenges open for bids, and the public sees them."""
    scoping.require(is_province(actor))
    batch = lock(batch)
    require_status(batch, ChallengeListBatch.Status.DRAFT)
    published_on = day(on)
    items = list(batch.challenges.select_for_update().order_by("id"))
    if not items:
        raise ValidationError(_("榜单中还没有项目"), code="empty_batch")
    late = [c.title for c in items if c.deadline < published_on]
    if late:
        raise ValidationError(
            _("揭榜截止日期早于发布日期:%(titles)s"),
            code="deadline_passed",
            params={"titles": "、".join(late)},
        )
    _update(
        actor,
        batch,
        source,
        status=ChallengeListBatch.Status.PUBLISHED,
        published_on=published_on,
    )
    for c in items:
        _update(actor, c, source, status=Challenge.Status.OPEN)
    event("batch_published", actor, batch=batch, challenges=len(items))
    return batch


@transaction.atomic
def batch_close(
    *, actor: Any, batch: ChallengeListBatch, reason: str = "", source: str = "web"
) -> ChallengeListBatch:
    scoping.require(is_province(actor))
    batch = lock(batch)
    require_status(batch, ChallengeListBatch.Status.PUBLISHED)
    _update(actor, batch, source, status=ChallengeListBatch.Status.CLOSED)
    event("batch_closed", actor, reason=reason, batch=batch)
    return batch


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
    challenge = lock(challenge)
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
    event("bid_submitted", actor, challenge=challenge, bid=bid)
    return bid


def _is_solver(actor: Any, bid: ChallengeBid) -> bool:
    return acts_for(actor, Role.ENTERPRISE, bid.solver_enterprise_id) or acts_for(
        actor, Role.INSTITUTION, bid.solver_institution_id
    )


@transaction.atomic
def bid_withdraw(
    *, actor: Any, bid: ChallengeBid, reason: str = "", source: str = "web"
) -> ChallengeBid:
    bid = lock(bid)
    scoping.require(is_province(actor) or _is_solver(actor, bid))
    require_status(bid, ChallengeBid.Status.SUBMITTED)
    require_status(bid.challenge, Challenge.Status.OPEN)
    _update(actor, bid, source, status=ChallengeBid.Status.WITHDRAWN)
    event("bid_withdrawn", actor, reason=reason, challenge=bid.challenge, bid=bid)
    return bid


@transaction.atomic
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
    bid = lock(bid)
    challenge = lock(bid.challenge)
    scoping.require(is_province(actor) or acts_for(actor, Role.ENTERPRISE, challenge.issuer_id))
    require_status(challenge, Challenge.Status.OPEN)
    require_status(bid, ChallengeBid.Status.SUBMITTED)
    if day(on) <= challenge.deadline:
        raise ValidationError(_("揭榜截止后方可选定揭榜方"), code="too_early")
    require_reviews_in(challenge)
    _update(actor, bid, source, status=ChallengeBid.Status.SELECTED)
    for other in challenge.bids.filter(status=ChallengeBid.Status.SUBMITTED).exclude(pk=bid.pk):
        _update(actor, other, source, status=ChallengeBid.Status.NOT_SELECTED)
    _update(actor, challenge, source, status=Challenge.Status.SELECTED)
    event("bid_selected", actor, reason=reason, challenge=challenge, bid=bid)
    return bid


@transaction.atomic
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
    scoping.require(is_province(actor))
    challenge = lock(challenge)
    require_status(challenge, Challenge.Status.SELECTED)
    bid = challenge.bids.get(status=ChallengeBid.Status.SELECTED)
    if Decimal(amount) > challenge.budget_cap:
        raise ValidationError({"amount": _("合同金额不能高于榜额上限")}, code="above_cap")
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("签约日期不能晚于今天")}, code="future")
    agreement = object_create(
        actor=actor,
        model=ChallengeAgreement,
        data={
            "challenge": challenge,
            "bid": bid,
            "signed_on": signed_on,
            "amount": amount,
            "note": note,
        },
        source=source,
    )
    _update(actor, challenge, source, status=Challenge.Status.SIGNED)
    event("agreement_recorded", actor, challenge=challenge, bid=bid, amount=str(amount))
    return agreement


@transaction.atomic
def challenge_unawarded(
    *,
    actor: Any,
    challenge: Challenge,
    reason: str,
    on: dt.date | None = None,
    source: str = "web",
) -> Challenge:
    """No solver, or no agreement: the challenge ends unawarded (流榜)."""
    scoping.require(is_province(actor))
    challenge = lock(challenge)
    require_status(challenge, Challenge.Status.OPEN, Challenge.Status.SELECTED)
    require_reason(reason)
    if challenge.status == Challenge.Status.OPEN and day(on) <= challenge.deadline:
        raise ValidationError(_("揭榜截止前不能宣布流榜"), code="too_early")
    for bid in challenge.bids.filter(
        status__in=[ChallengeBid.Status.SUBMITTED, ChallengeBid.Status.SELECTED]
    ):
        _update(actor, bid, source, status=ChallengeBid.Status.NOT_SELECTED)
    _update(actor, challenge, source, status=Challenge.Status.UNAWARDED)
    event("challenge_unawarded", actor, reason=reason, challenge=challenge)
    return challenge
