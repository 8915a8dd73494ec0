"""The catalogue in the REST API: achievements and public demands may be read anonymously,
transfers need a login. An object outside the caller's scope answers 404.
"""

from __future__ import annotations

from typing import Any

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
    public_read,
)
from kechuang.market.catalogue import selectors
from kechuang.market.catalogue.filters import AchievementFilter, DemandFilter, TransferFilter
from kechuang.market.catalogue.schemas import (
    AchievementDetail,
    AchievementOut,
    DemandOut,
    TransferOut,
)
from kechuang.market.catalogue.workflow import ACHIEVEMENT

router = Router(tags=["market"])
Limit = Query(20, ge=1, le=100, description="每页条数")
Offset = Query(0, ge=0, description="跳过条数")


class AchievementQuery(filter_schema(AchievementFilter)):  # type: ignore[misc]
    pass


class TransferQuery(filter_schema(TransferFilter)):  # type: ignore[misc]
    pass


class DemandQuery(filter_schema(DemandFilter)):  # type: ignore[misc]
    pass


AchievementPage = page_schema(AchievementOut)
TransferPage = page_schema(TransferOut)
DemandPage = page_schema(DemandOut)


@router.get("/achievements", **public_read("科技成果目录", AchievementPage))
def achievement_list(
    request: HttpRequest,
    filters: Query[AchievementQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = apply_filters(AchievementFilter, filters, selectors.achievement_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/achievements/{achievement_id}", **public_read("科技成果详情", AchievementDetail))
def achievement_detail(request: HttpRequest, achievement_id: int = path_id("成果ID")) -> Any:
    user = actor(request)
    obj = selectors.achievement_get(user=user, pk=achievement_id)
    obj.actions = ACHIEVEMENT.actions(user, obj)  # type: ignore[attr-defined]
    return obj


@router.get("/transfers", **login_required("成果转化列表", TransferPage))
def transfer_list(
    request: HttpRequest, filters: Query[TransferQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(TransferFilter, filters, selectors.transfer_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/demands", **public_read("企业技术需求列表", DemandPage))
def demand_list(
    request: HttpRequest, filters: Query[DemandQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(DemandFilter, filters, selectors.demand_list(user=actor(request)))
    return page(qs, limit, offset)
