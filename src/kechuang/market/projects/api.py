"""Plan projects in the REST API (login required), with their events and open actions."""

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
)
from kechuang.market.projects import selectors
from kechuang.market.projects.filters import ProjectFilter
from kechuang.market.projects.schemas import PlanProjectDetail, PlanProjectOut
from kechuang.market.projects.workflow import PROJECT

router = Router(tags=["market"])
Limit = Query(20, ge=1, le=100, description="每页条数")
Offset = Query(0, ge=0, description="跳过条数")


class PlanProjectQuery(filter_schema(ProjectFilter, "PlanProjectFilters")):  # type: ignore[misc]
    pass


PlanProjectPage = page_schema(PlanProjectOut)


@router.get("/plan-projects", **login_required("省级科技计划项目列表", PlanProjectPage))
def plan_project_list(
    request: HttpRequest, filters: Query[PlanProjectQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(ProjectFilter, filters, selectors.project_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get(
    "/plan-projects/{project_id}", **login_required("省级科技计划项目详情", PlanProjectDetail)
)
def plan_project_detail(request: HttpRequest, project_id: int = path_id("项目ID")) -> Any:
    user = actor(request)
    p = selectors.project_list(user=user).get(pk=project_id)
    return {
        **PlanProjectOut.from_orm(p).model_dump(),
        "events": list(selectors.project_events(user=user, project=p)),
        "actions": PROJECT.actions(user, p),
    }
