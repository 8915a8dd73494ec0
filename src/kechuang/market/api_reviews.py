"""Expert review of challenge bids in the REST API: an expert lists the bids assigned to it
and gives its score and opinion; the province reads every review. Assignment and closing
stay on the challenge page, where the province sees the bids."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from kechuang.core.api_support import ERRORS, LOGIN_REQUIRED, Money, actor, page, page_schema
from kechuang.market import reviews, services

router = Router(tags=["market"])


class BidReviewOut(Schema):
    id: int
    challenge_id: int
    challenge_title: str = Field(validation_alias="challenge.title")
    targets: str = Field(validation_alias="challenge.targets")
    bid_id: int
    solver_name: str = Field(validation_alias="bid.solver_name")
    proposal: str = Field(validation_alias="bid.proposal")
    price: Money | None = Field(validation_alias="bid.price")
    score: int | None
    opinion: str
    reviewed_on: dt.date | None


class BidReviewIn(Schema):
    score: int = Field(ge=0, le=100, description="评分(0–100)")
    opinion: str = Field(min_length=1, max_length=5000, description="评审意见")


BidReviewPage = page_schema(BidReviewOut)


def _private(summary: str, response: Any) -> dict[str, Any]:
    return {"response": {200: response, **ERRORS}, "auth": LOGIN_REQUIRED, "summary": summary}


@router.get("/bid-reviews", **_private("揭榜申请专家评审列表", BidReviewPage))
def bid_review_list(
    request: HttpRequest,
    limit: int = Query(20, ge=1, le=100, description="每页条数"),
    offset: int = Query(0, ge=0, description="跳过条数"),
) -> Any:
    return page(reviews.review_list(user=actor(request)), limit, offset)


@router.post("/bid-reviews/{review_id}", **_private("提交专家评审意见", BidReviewOut))
def bid_review_submit(
    request: HttpRequest,
    payload: BidReviewIn,
    review_id: int = Path(..., ge=1, le=2**63 - 1, description="评审ID"),
) -> Any:
    user = actor(request)
    review = reviews.review_list(user=user).get(pk=review_id)
    return services.review_submit(
        actor=user, review=review, score=payload.score, opinion=payload.opinion, source="api"
    )
