"""Technology contracts in the REST API (login required): the list, a contract with its
events, tax benefits and open actions, and the statistics. An object outside the caller's
scope answers 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router

from kechuang.core.api_support import (
    actor,
    apply_filters,
    filter_schema,
    login_required,
    page,
    page_schema,
    path_id,
)
from kechuang.market.contracts import selectors, stats, tax
from kechuang.market.contracts.filters import ContractFilter
from kechuang.market.contracts.schemas import ContractDetail, ContractOut, ContractStatRow
from kechuang.market.contracts.workflow import CONTRACT

router = Router(tags=["market"])
Limit = Query(20, ge=1, le=100, description="每页条数")
Offset = Query(0, ge=0, description="跳过条数")


class ContractQuery(filter_schema(ContractFilter)):  # type: ignore[misc]
    pass


ContractPage = page_schema(ContractOut)
Dimension = Literal["type", "field", "seller_kind", "city"]
StartQuery = Query(..., description="登记日期起")
EndQuery = Query(..., description="登记日期止(含)")
ByQuery = Query([], description="分组维度")


@router.get("/contracts", **login_required("技术合同列表", ContractPage))
def contract_list(
    request: HttpRequest, filters: Query[ContractQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(ContractFilter, filters, selectors.contract_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/contracts/stats", **login_required("技术合同统计(含同比)", list[ContractStatRow]))
def contract_stats(
    request: HttpRequest,
    start: dt.date = StartQuery,
    end: dt.date = EndQuery,
    by: list[Dimension] = ByQuery,
) -> Any:
    period = stats.plausible_period(start, end)  # else 400, saying which date and why
    rows = stats.contract_stats(user=actor(request), period=period, by=list(dict.fromkeys(by)))
    for row in rows:
        for m in stats.MEASURES:
            value = row[f"yoy_{m}"]
            row[f"yoy_{m}"] = float(round(value, 6)) if isinstance(value, Decimal) else None
    return rows


@router.get("/contracts/{contract_id}", **login_required("技术合同详情", ContractDetail))
def contract_detail(request: HttpRequest, contract_id: int = path_id("合同ID")) -> Any:
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
