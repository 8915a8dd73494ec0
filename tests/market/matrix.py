"""The challenge-list, event and training part of the role-matrix world (tests/test_role_matrix.py).

Each record is a `Row` with the facts that decide who reaches it — city, zone, owners,
whether it is public — stated from how it is built here, not read back through
`core.scoping`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kechuang.core.models import User
from kechuang.core.roles import Role
from kechuang.market.models import BidReview, Challenge
from kechuang.registry.models import ServiceInstitution
from tests.factories import (
    BrokerFactory,
    ChallengeBidFactory,
    ChallengeCallFactory,
    ChallengeDemandFactory,
    ChallengeFactory,
    ChallengeListBatchFactory,
    MatchmakingActivityFactory,
    PlanProjectFactory,
    TrainingSessionFactory,
    UserFactory,
)
from tests.role_matrix_world import BANK, ENT, INST, ROLES, SVC, Row, World

CCALL, CDEM, CLIST, CHAL = "challenge_call", "challenge_demand", "challenge_list", "challenge"
CBID, PPROJ, BREV = "challenge_bid", "plan_project", "bid_review"
CHALX = "challenge_as_edited"  # the challenges again, with who may edit them (the province)
MEVT, BRK, TRN = "market_event", "broker", "training_session"

# Who may open the forms that create these things.
PROVINCE_ONLY = frozenset({Role.PROVINCE_ADMIN})
DEMAND_PROPOSERS = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE})
SOLVERS = frozenset({Role.PROVINCE_ADMIN, Role.ENTERPRISE, Role.INSTITUTION})
ORGANISERS = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.SERVICE})
BROKER_KEEPERS = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.SERVICE, Role.INSTITUTION})
OPEN_TITLE = "矩阵榜项大连公开"  # the challenge the API bids on


def bid_body(n: int) -> dict[str, Any]:
    """A bid on an open challenge of a Dalian issuer; the province names an outside solver."""
    body: dict[str, Any] = {
        "challenge_id": Challenge.objects.get(title=OPEN_TITLE).pk,
        "proposal": "矩阵攻关方案",
    }
    if ROLES[n] == Role.PROVINCE_ADMIN:
        body.update(solver_name=f"矩阵境外揭榜方{n}", solver_kind="institute", solver_country="DE")
    return body


def assign_body() -> dict[str, Any]:
    """The matrix's expert; bidding is still open on every matrix challenge, so a province
    that may assign is refused as too early (422)."""
    return {"expert_id": User.objects.get(username=f"matrix-{Role.EXPERT}").pk}


def review_closable(row: Row) -> int:
    """The open challenges have a review assigned, and may have it ended; drafts may not."""
    return 200 if row.obj.status == Challenge.Status.OPEN else 422


def event_body(n: int) -> dict[str, Any]:
    return {
        "kind": "roadshow",
        "title": f"矩阵新活动{n}",
        "held_on": "2023-05-01",
        "city_id": "210100",
    }


def _by_name(world: World, resource: str) -> dict[str, Any]:
    return {r.obj.name: r.obj for r in world.rows[resource]}


def _issued(obj: Any, issuer: Any, public: bool) -> Row:
    return Row(obj, issuer.city_id, issuer.zone_id, {Role.ENTERPRISE: (issuer.pk,)}, public)


def _organised(obj: Any) -> Row:
    owners = {
        Role.SERVICE: (obj.organiser_service_id,),
        Role.INSTITUTION: (obj.organiser_institution_id,),
        Role.ENTERPRISE: (obj.organiser_enterprise_id,),
        Role.BANK: (obj.organiser_bank_id,),
    }
    return Row(obj, obj.city_id, owners=owners)


def _challenges(f: dict[str, Any]) -> dict[str, list[Row]]:
    later = timezone.localdate() + dt.timedelta(days=60)
    call = ChallengeCallFactory(title="矩阵征集甲")
    calls = [call, ChallengeCallFactory(title="矩阵征集乙")]
    demands = [
        _issued(ChallengeDemandFactory(call=call, enterprise=e, title=t), e, False)
        for e, t in [
            (f["sy"], "矩阵榜需沈阳"),
            (f["zone"], "矩阵榜需高新区"),
            (f["dl"], "矩阵榜需大连"),
        ]
    ]
    published = ChallengeListBatchFactory(title="矩阵榜单已发布")
    closed = ChallengeListBatchFactory(title="矩阵榜单已结束", status="closed")
    draft = ChallengeListBatchFactory(title="矩阵榜单编制中", status="draft", published_on=None)

    def challenge(title: str, issuer: Any, batch: Any) -> Row:
        status = "draft" if batch is draft else "open"
        c = ChallengeFactory(title=title, issuer=issuer, batch=batch, status=status, deadline=later)
        return _issued(c, issuer, batch is not draft)

    items = [
        challenge("矩阵榜项沈阳公开", f["sy"], published),
        challenge(OPEN_TITLE, f["dl"], published),
        challenge("矩阵榜项高新区草稿", f["zone"], draft),
        challenge("矩阵榜项大连草稿", f["dl"], draft),
    ]

    def bid(on: Row, solver: Any | None) -> Row:
        issuer = on.obj.issuer
        if solver is None:
            b = ChallengeBidFactory(
                challenge=on.obj,
                solver_institution=None,
                solver_name="矩阵境外研究所",
                solver_kind="institute",
                solver_country="DE",
            )
        elif hasattr(solver, "listing_status"):
            b = ChallengeBidFactory(
                challenge=on.obj,
                solver_institution=None,
                solver_enterprise=solver,
                solver_name=solver.name,
                solver_kind="enterprise",
            )
        else:
            b = ChallengeBidFactory(challenge=on.obj, solver_institution=solver)
        owners = {
            Role.ENTERPRISE: (issuer.pk, b.solver_enterprise_id),
            Role.INSTITUTION: (b.solver_institution_id,),
        }
        return Row(b, issuer.city_id, issuer.zone_id, owners)

    bids = [
        bid(items[0], f["inst_sy"]),
        bid(items[0], f["zone"]),
        bid(items[1], f["inst_dl"]),
        bid(items[1], None),
    ]
    return {
        CCALL: [Row(c, None, public=True) for c in calls],
        CDEM: demands,
        CLIST: [
            Row(published, None, public=True),
            Row(closed, None, public=True),
            Row(draft, None),
        ],
        CHAL: items,
        CBID: bids,
    }


def _reviews(world: World, bids: list[Row]) -> list[Row]:
    """Reviews of two bids: one by the matrix's expert, one by another expert."""
    other = UserFactory(username="矩阵另一专家", role=Role.EXPERT)
    out = []
    for bid, expert in ((bids[0], world.users[Role.EXPERT]), (bids[2], other)):
        r = BidReview.objects.create(challenge=bid.obj.challenge, bid=bid.obj, expert=expert)
        out.append(Row(r, bid.city, people=(expert.pk,)))
    return out


def _projects(f: dict[str, Any]) -> list[Row]:
    def led_by(name: str, lead: Any, **kw: Any) -> Row:
        if hasattr(lead, "listing_status"):
            p = PlanProjectFactory(name=name, lead_enterprise=lead, **kw)
            return Row(p, lead.city_id, lead.zone_id, {Role.ENTERPRISE: (lead.pk,)})
        p = PlanProjectFactory(
            name=name,
            lead_enterprise=None,
            lead_institution=lead,
            lead_name=lead.name,
            city_id=lead.city_id,
            **kw,
        )
        return Row(p, lead.city_id, owners={Role.INSTITUTION: (lead.pk,)})

    return [
        led_by("矩阵项目沈阳联合体", f["sy"]),
        led_by("矩阵项目高新区联合体", f["zone"], status="applied", approved_on=None, budget=None),
        led_by("矩阵项目大连实验室", f["inst_dl"], kind="lab_major"),
        led_by("矩阵项目沈阳院所", f["inst_sy"]),
    ]


def _activities(f: dict[str, Any]) -> dict[str, list[Row]]:
    def event(title: str, city: str, kind: str = "province", org: Any = None) -> Row:
        field = {
            "service": "organiser_service",
            "institution": "organiser_institution",
            "enterprise": "organiser_enterprise",
            "bank": "organiser_bank",
        }.get(kind)
        extra = {field: org, "organiser_name": org.name} if field else {}
        e = MatchmakingActivityFactory(title=title, city_id=city, organiser_kind=kind, **extra)
        return _organised(e)

    def course(topic: str, city: str, service: Any = None) -> Row:
        extra = (
            {
                "organiser_kind": "service",
                "organiser_service": service,
                "organiser_name": service.name,
            }
            if service
            else {}
        )
        return _organised(TrainingSessionFactory(topic=topic, city_id=city, **extra))

    def broker(name: str, employer: Any) -> Row:
        if isinstance(employer, ServiceInstitution):
            b = BrokerFactory(name=name, service_institution=employer)
            owners = {Role.SERVICE: (employer.pk,)}
        else:
            b = BrokerFactory(
                name=name, service_institution=None, institution=employer, city_id=employer.city_id
            )
            owners = {Role.INSTITUTION: (employer.pk,)}
        return Row(b, employer.city_id, owners=owners)

    sy, dl = "210100", "210200"
    return {
        MEVT: [
            event("矩阵活动沈阳省办", sy),
            event("矩阵活动沈阳孵化器", sy, "service", f["svc_sy"]),
            event("矩阵活动大连本行", dl, "bank", f["bank"]),
            event("矩阵活动大连企业", dl, "enterprise", f["sy"]),
            event("矩阵活动大连院所", dl, "institution", f["inst_sy"]),
        ],
        TRN: [
            course("矩阵培训省办", sy),
            course("矩阵培训孵化器沈阳", sy, f["svc_sy"]),
            course("矩阵培训孵化器大连", dl, f["svc_dl"]),
        ],
        BRK: [
            broker("矩阵经纪人甲", f["svc_sy"]),
            broker("矩阵经纪人乙", f["inst_dl"]),
            broker("矩阵经纪人丙", f["svc_dl"]),
        ],
    }


def market_rows(world: World) -> dict[str, list[Row]]:
    firms = _by_name(world, ENT)
    institutions = _by_name(world, INST)
    services = _by_name(world, SVC)
    f = {
        "sy": firms["矩阵企业沈阳"],
        "zone": firms["矩阵企业高新区"],
        "dl": firms["矩阵企业大连授权"],
        "inst_sy": institutions["矩阵大学沈阳"],
        "inst_dl": institutions["矩阵大学大连"],
        "svc_sy": services["矩阵孵化器沈阳"],
        "svc_dl": services["矩阵孵化器大连"],
        "bank": _by_name(world, BANK)["矩阵银行沈阳"],
    }
    rows = _challenges(f)
    rows[BREV] = _reviews(world, rows[CBID])
    rows[CHALX] = rows[CHAL]
    rows[PPROJ] = _projects(f)
    rows.update(_activities(f))
    return rows
