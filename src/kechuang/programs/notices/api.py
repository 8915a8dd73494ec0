"""The public notices in the REST API: public reads."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from kechuang.core.api_support import (
    Limit,
    Offset,
    actor,
    page,
    path_id,
    public_read,
)
from kechuang.programs.notices import selectors
from kechuang.programs.notices.schemas import NoticeDetail, NoticeOut, NoticePage

router = Router(tags=["programs"])


@router.get("/notices", **public_read("公示批次列表", NoticePage))
def notice_list(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Any:
    return page(
        selectors.notice_list(user=actor(request)).order_by("-starts_on", "-id"), limit, offset
    )


@router.get("/notices/{notice_id}", **public_read("公示批次详情(含公示名单)", NoticeDetail))
def notice_detail(request: HttpRequest, notice_id: int = path_id("公示批次ID")) -> Any:
    user = actor(request)
    batch = selectors.notice_get(user=user, pk=notice_id)
    return {
        **NoticeOut.from_orm(batch).model_dump(),
        "entries": list(selectors.notice_entries(user=user, batch=batch)),
    }
