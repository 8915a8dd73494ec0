"""The technology market in the REST API: reads through selectors, scoped to the caller;
writes (bids, events) through services.

Contracts, transfers, bids, projects, events, brokers, training and statistics need a
login; the achievement catalogue, public demands, challenge calls and published challenge
lists may be read anonymously. An object outside the caller's scope answers 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.responses import Status

from kechuang.core.api_support import (
    ERRORS,
    LOGIN_REQUIRED,
    PUBLIC_READ,
    PUBLIC_READ_EXTRA,
    actor,
    apply_filters,
    filter_schema,
    page,
    page_schema,
)
from kechuang.market import counts, selectors, services, stats, tax
from kechuang.market.filters import (
    AchievementFilter,
    BatchFilter,
    BidFilter,
    BrokerFilter,
    ChallengeDemandFilter,
    ChallengeFilter,
    ContractFilter,
    DemandFilter,
    EventFilter,
    ProjectFilter,
    TrainingFilter,
    TransferFilter,
)
from kechuang.market.schemas import (
    AchievementOut,
    BrokerOut,
    ChallengeBidIn,
    ChallengeBidOut,
    ChallengeCallOut,
    ChallengeDemandOut,
    ChallengeDetail,
    ChallengeListDetail,
    ChallengeListOut,
    ChallengeOut,
    ContractDetail,
    ContractOut,
    ContractStatRow,
    DemandOut,
    MarketEventDetail,
    MarketEventIn,
    MarketEventOut,
    PlanProjectDetail,
    PlanProjectOut,
    TrainingCountOut,
    TrainingSessionOut,
    TransferOut,
)
from kechuang.market.workflows.challenges import BATCH, CHALLENGE
from kechuang.market.workflows.contracts import CONTRACT
from kechuang.market.workflows.projects import PROJECT

router = Router(tags=["market"])

Limit = Query(20, ge=1, le=100, description="每页条数")
Offset = Query(0, ge=0, description="跳过条数")
ID_MAX = 2**63 - 1


def _id(description: str) -> Any:
    return Path(..., ge=1, le=ID_MAX, description=description)


def _public(summary: str, response: Any) -> dict[str, Any]:
    return {
        "response": {200: response, **ERRORS},
        "auth": PUBLIC_READ,
        "openapi_extra": PUBLIC_READ_EXTRA,
        "summary": summary,
    }


def _private(summary: str, response: Any, status: int = 200) -> dict[str, Any]:
    return {
        "response": {status: response, **ERRORS},
        "auth": LOGIN_REQUIRED,
        "summary": summary,
    }


class ContractQuery(filter_schema(ContractFilter)):  # type: ignore[misc]
    pass


class AchievementQuery(filter_schema(AchievementFilter)):  # type: ignore[misc]
    pass


class TransferQuery(filter_schema(TransferFilter)):  # type: ignore[misc]
    pass


class DemandQuery(filter_schema(DemandFilter)):  # type: ignore[misc]
    pass


class ChallengeDemandQuery(filter_schema(ChallengeDemandFilter)):  # type: ignore[misc]
    pass


class ChallengeBatchQuery(filter_schema(BatchFilter, "ChallengeListFilters")):  # type: ignore[misc]
    pass


class ChallengeQuery(filter_schema(ChallengeFilter)):  # type: ignore[misc]
    pass


class ChallengeBidQuery(filter_schema(BidFilter, "ChallengeBidFilters")):  # type: ignore[misc]
    pass


class PlanProjectQuery(filter_schema(ProjectFilter, "PlanProjectFilters")):  # type: ignore[misc]
    pass


class MarketEventQuery(filter_schema(EventFilter, "MarketEventFilters")):  # type: ignore[misc]
    pass


class BrokerQuery(filter_schema(BrokerFilter)):  # type: ignore[misc]
    pass


class TrainingSessionQuery(filter_schema(TrainingFilter, "TrainingSessionFilters")):  # type: ignore[misc]
    pass


ContractPage = page_schema(ContractOut)
AchievementPage = page_schema(AchievementOut)
TransferPage = page_schema(TransferOut)
DemandPage = page_schema(DemandOut)
Dimension = Literal["type", "field", "seller_kind", "city"]
StartQuery = Query(..., description="登记日期起")
EndQuery = Query(..., description="登记日期止(含)")
ByQuery = Query([], description="分组维度")


@router.get("/contracts", **_private("技术合同列表", ContractPage))
def contract_list(
    request: HttpRequest, filters: Query[ContractQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(ContractFilter, filters, selectors.contract_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/contracts/stats", **_private("技术合同统计(含同比)", list[ContractStatRow]))
def contract_stats(
    request: HttpRequest,
    start: dt.date = StartQuery,
    end: dt.date = EndQuery,
    by: list[Dimension] = ByQuery,
) -> Any:
    # The comparison period lies a year earlier, so it must exist too.
    if start.year <= dt.MINYEAR:
        raise ValidationError({"start": ["起始日期过早 / start date too early"]})
    if end < start:
        raise ValidationError({"end": ["截止日期早于起始日期 / end date before start date"]})
    rows = stats.contract_stats(
        user=actor(request), period=stats.Period(start, end), by=list(dict.fromkeys(by))
    )
    for row in rows:
        for m in stats.MEASURES:
            value = row[f"yoy_{m}"]
            row[f"yoy_{m}"] = float(round(value, 6)) if isinstance(value, Decimal) else None
    return rows


@router.get("/contracts/{contract_id}", **_private("技术合同详情", ContractDetail))
def contract_detail(request: HttpRequest, contract_id: int = _id("合同ID")) -> Any:
    user = actor(request)
    c = selectors.contract_get(user=user, pk=contract_id)
    c.events_list = list(selectors.contract_events(user=user, contract=c))  # type: ignore[attr-defined]
    return {
        **ContractOut.from_orm(c).model_dump(),
        "deductions": list(c.deductions.all()),
        "events": c.events_list,  # type: ignore[attr-defined]
        "tax": tax.benefits(c),
        "actions": CONTRACT.actions(user, c),
    }


@router.get("/achievements", **_public("科技成果目录", AchievementPage))
def achievement_list(
    request: HttpRequest,
    filters: Query[AchievementQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = apply_filters(AchievementFilter, filters, selectors.achievement_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/achievements/{achievement_id}", **_public("科技成果详情", AchievementOut))
def achievement_detail(request: HttpRequest, achievement_id: int = _id("成果ID")) -> Any:
    return selectors.achievement_get(user=actor(request), pk=achievement_id)


@router.get("/transfers", **_private("成果转化列表", TransferPage))
def transfer_list(
    request: HttpRequest, filters: Query[TransferQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(TransferFilter, filters, selectors.transfer_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/demands", **_public("企业技术需求列表", DemandPage))
def demand_list(
    request: HttpRequest, filters: Query[DemandQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(DemandFilter, filters, selectors.demand_list(user=actor(request)))
    return page(qs, limit, offset)


# --- challenge lists (揭榜挂帅) and plan projects ---------------------------------------------

ChallengeCallPage = page_schema(ChallengeCallOut)
ChallengeDemandPage = page_schema(ChallengeDemandOut)
ChallengeListPage = page_schema(ChallengeListOut)
ChallengePage = page_schema(ChallengeOut)
ChallengeBidPage = page_schema(ChallengeBidOut)
PlanProjectPage = page_schema(PlanProjectOut)


@router.get("/challenge-calls", **_public("揭榜挂帅需求征集列表", ChallengeCallPage))
def challenge_call_list(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Any:
    return page(selectors.call_list(user=actor(request)).order_by("-opens_on", "pk"), limit, offset)


@router.get("/challenge-demands", **_private("揭榜挂帅需求列表", ChallengeDemandPage))
def challenge_demand_list(
    request: HttpRequest,
    filters: Query[ChallengeDemandQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = selectors.challenge_demand_list(user=actor(request))
    return page(apply_filters(ChallengeDemandFilter, filters, qs), limit, offset)


@router.get("/challenge-lists", **_public("揭榜挂帅榜单列表", ChallengeListPage))
def challenge_batch_list(
    request: HttpRequest,
    filters: Query[ChallengeBatchQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = apply_filters(BatchFilter, filters, selectors.batch_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/challenge-lists/{batch_id}", **_public("揭榜挂帅榜单详情", ChallengeListDetail))
def challenge_batch_detail(request: HttpRequest, batch_id: int = _id("榜单ID")) -> Any:
    user = actor(request)
    batch = selectors.batch_list(user=user).get(pk=batch_id)
    batch.challenges_list = list(  # type: ignore[attr-defined]
        selectors.challenge_list(user=user).filter(batch=batch).order_by("id")
    )
    return {
        **ChallengeListOut.from_orm(batch).model_dump(),
        "challenges": batch.challenges_list,  # type: ignore[attr-defined]
        "actions": BATCH.actions(user, batch),
    }


@router.get("/challenges", **_public("揭榜挂帅榜单项目列表", ChallengePage))
def challenge_list(
    request: HttpRequest, filters: Query[ChallengeQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(ChallengeFilter, filters, selectors.challenge_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/challenges/{challenge_id}", **_public("揭榜挂帅榜单项目详情", ChallengeDetail))
def challenge_detail(request: HttpRequest, challenge_id: int = _id("榜单项目ID")) -> Any:
    user = actor(request)
    c = selectors.challenge_list(user=user).get(pk=challenge_id)
    project = selectors.project_list(user=user).filter(challenge=c).first()
    return {
        **ChallengeOut.from_orm(c).model_dump(),
        "agreement": selectors.challenge_agreement(user=user, challenge=c),
        "plan_project_id": project.pk if project else None,
        "events": list(selectors.challenge_events(user=user, challenge=c)),
        "actions": CHALLENGE.actions(user, c),
    }


@router.get("/bids", **_private("揭榜申请列表", ChallengeBidPage))
def bid_list(
    request: HttpRequest,
    filters: Query[ChallengeBidQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = apply_filters(BidFilter, filters, selectors.bid_list(user=actor(request)))
    return page(qs, limit, offset)


@router.post("/bids", **_private("揭榜", ChallengeBidOut, status=201))
def bid_create(request: HttpRequest, payload: ChallengeBidIn) -> Any:
    user = actor(request)
    data = payload.model_dump(exclude_none=True)
    challenge = selectors.challenge_list(user=user).get(pk=data.pop("challenge_id"))
    bid = services.bid_submit(actor=user, challenge=challenge, data=data, source="api")
    return Status(201, bid)


@router.get("/plan-projects", **_private("省级科技计划项目列表", PlanProjectPage))
def plan_project_list(
    request: HttpRequest, filters: Query[PlanProjectQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(ProjectFilter, filters, selectors.project_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/plan-projects/{project_id}", **_private("省级科技计划项目详情", PlanProjectDetail))
def plan_project_detail(request: HttpRequest, project_id: int = _id("项目ID")) -> Any:
    user = actor(request)
    p = selectors.project_list(user=user).get(pk=project_id)
    return {
        **PlanProjectOut.from_orm(p).model_dump(),
        "events": list(selectors.project_events(user=user, project=p)),
        "actions": PROJECT.actions(user, p),
    }


# --- events, brokers, training ----------------------------------------------------------------

MarketEventPage = page_schema(MarketEventOut)
BrokerPage = page_schema(BrokerOut)
TrainingSessionPage = page_schema(TrainingSessionOut)
Grain = Literal["month", "quarter", "half", "year"]
TrainingKind = Literal["broker", "assessor", "manager"]
YearQuery = Query(..., ge=1949, le=2100, description="年度")
GrainQuery = Query("half", description="分期")
KindQuery = Query(None, description="培训对象")


def _event_detail(user: Any, pk: int) -> dict[str, Any]:
    e = selectors.event_list(user=user).get(pk=pk)
    return {
        **MarketEventOut.from_orm(e).model_dump(),
        "description": e.description,
        "participants": list(selectors.event_participants(user=user, event=e)),
        "outcomes": list(selectors.event_outcomes(user=user, event=e)),
    }


@router.get("/events", **_private("对接活动列表", MarketEventPage))
def event_list(
    request: HttpRequest, filters: Query[MarketEventQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(EventFilter, filters, selectors.event_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/events/{event_id}", **_private("对接活动详情(含参与机构与成果)", MarketEventDetail))
def event_detail(request: HttpRequest, event_id: int = _id("活动ID")) -> Any:
    return _event_detail(actor(request), event_id)


@router.post("/events", **_private("登记对接活动", MarketEventDetail, status=201))
def event_create(request: HttpRequest, payload: MarketEventIn) -> Any:
    user = actor(request)
    data = payload.model_dump(exclude_none=True)
    event = services.event_create(actor=user, data=data, source="api")
    return Status(201, _event_detail(user, event.pk))


@router.get("/brokers", **_private("技术经纪人列表", BrokerPage))
def broker_list(
    request: HttpRequest, filters: Query[BrokerQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(BrokerFilter, filters, selectors.broker_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/training-sessions", **_private("培训班列表", TrainingSessionPage))
def training_session_list(
    request: HttpRequest,
    filters: Query[TrainingSessionQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = selectors.training_list(user=actor(request)).annotate(attendee_count=Count("attendees"))
    return page(apply_filters(TrainingFilter, filters, qs), limit, offset)


@router.get(
    "/training/stats", **_private("培训人数(分期与累计,不重复计人)", list[TrainingCountOut])
)
def training_stats(
    request: HttpRequest,
    year: int = YearQuery,
    grain: Grain = GrainQuery,
    kind: TrainingKind | None = KindQuery,
) -> Any:
    rows = counts.training_counts(
        user=actor(request), periods=counts.periods_of(year, grain), kind=kind
    )
    return [r.as_dict() for r in rows]
