"""Expert review of challenge bids in the REST API: an expert lists the bids assigned to it
and gives its score and opinion; the province reads every review, assigns experts to the
bids of a challenge whose bidding has closed, and may end the review with a stated reason.
Input is checked as the challenge page checks it (an active expert, a live bid of that
challenge); the services then check who may act and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from kechuang.core.api_support import ERRORS, LOGIN_REQUIRED, Money, actor, page, page_schema
from kechuang.market import forms_challenges, reviews, selectors, services
from kechuang.market.services.reviews import pending_reviews

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


class ReviewAssignIn(Schema):
    expert_id: int = Field(ge=1, le=2**63 - 1, description="评审专家(专家用户ID)")
    bid_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="揭榜申请ID;不填则为全部未撤回的揭榜申请"
    )


class ReviewCloseIn(Schema):
    reason: str = Field(max_length=2000, description="结束评审的理由")


class ReviewCloseOut(Schema):
    challenge_id: int
    review_closed_on: dt.date
    pending: int = Field(description="结束时尚未提交的评审意见份数")


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


ChallengeId = Path(..., ge=1, le=2**63 - 1, description="榜单项目ID")


@router.post("/challenges/{challenge_id}/reviews", **_private("分配评审专家", list[BidReviewOut]))
def challenge_review_assign(
    request: HttpRequest, payload: ReviewAssignIn, challenge_id: int = ChallengeId
) -> Any:
    user = actor(request)
    challenge = selectors.challenge_list(user=user).get(pk=challenge_id)
    form = forms_challenges.ReviewAssignForm(
        {"expert": payload.expert_id, "bid": payload.bid_id or ""}, challenge=challenge
    )
    if not form.is_valid():
        errors = form.errors.as_data()
        raise ValidationError({f"{name}_id": errs for name, errs in errors.items()})
    return services.review_assign(
        actor=user,
        challenge=challenge,
        expert=form.cleaned_data["expert"],
        bid=form.cleaned_data["bid"],
        source="api",
    )


@router.post("/challenges/{challenge_id}/review-close", **_private("结束专家评审", ReviewCloseOut))
def challenge_review_close(
    request: HttpRequest, payload: ReviewCloseIn, challenge_id: int = ChallengeId
) -> Any:
    user = actor(request)
    challenge = selectors.challenge_list(user=user).get(pk=challenge_id)
    closed = services.review_close(
        actor=user, challenge=challenge, reason=payload.reason, source="api"
    )
    return {
        "challenge_id": closed.pk,
        "review_closed_on": closed.review_closed_on,
        "pending": pending_reviews(closed),
    }
