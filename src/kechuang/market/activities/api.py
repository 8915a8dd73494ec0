"""Matchmaking activities, brokers and training in the REST API (login required)."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Count
from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from kechuang.core.api_support import (
    actor,
    apply_filters,
    filter_schema,
    login_required,
    page,
    page_schema,
    path_id,
)
from kechuang.market import counts
from kechuang.market.activities import selectors, services
from kechuang.market.activities.filters import BrokerFilter, EventFilter, TrainingFilter
from kechuang.market.activities.schemas import (
    BrokerOut,
    MarketEventDetail,
    MarketEventIn,
    MarketEventOut,
    TrainingCountOut,
    TrainingSessionOut,
)

router = Router(tags=["market"])
Limit = Query(20, ge=1, le=100, description="每页条数")
Offset = Query(0, ge=0, description="跳过条数")


class MarketEventQuery(filter_schema(EventFilter, "MarketEventFilters")):  # type: ignore[misc]
    pass


class BrokerQuery(filter_schema(BrokerFilter)):  # type: ignore[misc]
    pass


class TrainingSessionQuery(filter_schema(TrainingFilter, "TrainingSessionFilters")):  # type: ignore[misc]
    pass


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


@router.get("/events", **login_required("对接活动列表", MarketEventPage))
def event_list(
    request: HttpRequest, filters: Query[MarketEventQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(EventFilter, filters, selectors.event_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get(
    "/events/{event_id}", **login_required("对接活动详情(含参与机构与成果)", MarketEventDetail)
)
def event_detail(request: HttpRequest, event_id: int = path_id("活动ID")) -> Any:
    return _event_detail(actor(request), event_id)


@router.post("/events", **login_required("登记对接活动", MarketEventDetail, status=201))
def event_create(request: HttpRequest, payload: MarketEventIn) -> Any:
    user = actor(request)
    data = payload.model_dump(exclude_none=True)
    event = services.event_create(actor=user, data=data, source="api")
    return Status(201, _event_detail(user, event.pk))


@router.get("/brokers", **login_required("技术经纪人列表", BrokerPage))
def broker_list(
    request: HttpRequest, filters: Query[BrokerQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(BrokerFilter, filters, selectors.broker_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/training-sessions", **login_required("培训班列表", TrainingSessionPage))
def training_session_list(
    request: HttpRequest,
    filters: Query[TrainingSessionQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = selectors.training_list(user=actor(request)).annotate(attendee_count=Count("attendees"))
    return page(apply_filters(TrainingFilter, filters, qs), limit, offset)


@router.get(
    "/training/stats", **login_required("培训人数(分期与累计,不重复计人)", list[TrainingCountOut])
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
