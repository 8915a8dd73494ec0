"""The technology market in the REST API: reads through selectors, scoped to the caller.

Contracts, transfers and statistics need a login; the achievement catalogue and public
demands may be read anonymously. An object outside the caller's scope answers 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from kechuang.core.api_support import (
    ERRORS,
    LOGIN_REQUIRED,
    PUBLIC_READ,
    PUBLIC_READ_EXTRA,
    Money,
    actor,
    apply_filters,
    filter_schema,
    page,
    page_schema,
)
from kechuang.market import selectors, stats, tax
from kechuang.market.filters import AchievementFilter, ContractFilter, DemandFilter, TransferFilter

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


def _private(summary: str, response: Any) -> dict[str, Any]:
    return {"response": {200: response, **ERRORS}, "auth": LOGIN_REQUIRED, "summary": summary}


class ContractOut(Schema):
    id: int
    number: str | None
    title: str
    type: str
    subtype: str
    status: str
    city_id: str
    seller_name: str
    seller_kind: str
    seller_enterprise_id: int | None
    seller_institution_id: int | None
    seller_city_id: str | None
    buyer_name: str
    buyer_enterprise_id: int | None
    buyer_institution_id: int | None
    buyer_region_code: str
    buyer_country: str
    buyer_city_id: str | None
    turnover: Money
    tech_value: Money
    signed_on: dt.date
    effective_on: dt.date
    field_id: str
    ip_type: str
    plan_level: str
    accepted_on: dt.date | None
    decision_due: dt.date | None
    expert_review: bool
    registered_on: dt.date | None
    overdue: bool


class ContractDeductionOut(Schema):
    kind: str
    description: str
    amount: Money


class ContractEventOut(Schema):
    kind: str
    at: dt.datetime
    actor_id: int | None
    ground: str
    reason: str
    data: dict[str, Any]


class ContractTaxOut(Schema):
    vat_exempt: bool
    vat_conditional: bool
    eit_applicable: bool
    eit_exempt_part: Money
    eit_half_rate_part: Money
    pit_half_on_rewards: bool


class ContractDetail(ContractOut):
    deductions: list[ContractDeductionOut]
    events: list[ContractEventOut]
    tax: ContractTaxOut


class ContractStatRow(Schema):
    type: str | None = None
    field: str | None = None
    seller_kind: str | None = None
    city: str | None = None
    count: int
    turnover: Money
    tech_value: Money
    avg_tech_value: Money | None
    prior_count: int
    prior_turnover: Money
    prior_tech_value: Money
    yoy_count: float | None
    yoy_turnover: float | None
    yoy_tech_value: float | None


class AchievementOut(Schema):
    id: int
    title: str
    abstract: str
    keywords: str
    institution_id: int
    institution_name: str
    field_id: str
    trl: int
    ip_type: str
    ownership_granted: bool
    separate_management: bool
    use_first_pay_later: bool
    licence_terms: str
    status: str
    published_on: dt.date | None

    @staticmethod
    def resolve_institution_name(obj: Any) -> str:
        return str(obj.institution.name)


class TransferOut(Schema):
    id: int
    title: str
    institution_id: int
    achievement_id: int | None
    enterprise_id: int | None
    enterprise_name: str
    in_province: bool
    mode: str
    amount: Money
    transferred_on: dt.date
    contract_id: int | None


class DemandOut(Schema):
    id: int
    title: str
    enterprise_id: int
    problem: str
    targets: str
    budget: Money | None
    deadline: dt.date | None
    field_id: str
    is_public: bool
    status: str


class ContractQuery(filter_schema(ContractFilter)):  # type: ignore[misc]
    pass


class AchievementQuery(filter_schema(AchievementFilter)):  # type: ignore[misc]
    pass


class TransferQuery(filter_schema(TransferFilter)):  # type: ignore[misc]
    pass


class DemandQuery(filter_schema(DemandFilter)):  # type: ignore[misc]
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
