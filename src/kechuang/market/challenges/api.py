"""The challenge lists (揭榜挂帅) in the REST API: calls and published lists may be read
anonymously; demands, bids and expert reviews need a login. An expert lists the bids
assigned to it and gives its score and opinion; the province reads every review, assigns
experts to the bids of a challenge whose bidding has closed, and may end the review with a
stated reason. An object outside the caller's scope answers 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
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
    public_read,
)
from kechuang.market.challenges import forms, selectors, services
from kechuang.market.challenges.filters import (
    BatchFilter,
    BidFilter,
    ChallengeDemandFilter,
    ChallengeFilter,
)
from kechuang.market.challenges.schemas import (
    BidReviewIn,
    BidReviewOut,
    ChallengeBidIn,
    ChallengeBidOut,
    ChallengeCallOut,
    ChallengeDemandOut,
    ChallengeDetail,
    ChallengeListDetail,
    ChallengeListOut,
    ChallengeOut,
    ReviewAssignIn,
    ReviewCloseIn,
    ReviewCloseOut,
)
from kechuang.market.challenges.workflow import BATCH, CHALLENGE, pending_reviews
from kechuang.market.projects import selectors as project_selectors

router = Router(tags=["market"])
Limit = Query(20, ge=1, le=100, description="每页条数")
Offset = Query(0, ge=0, description="跳过条数")


class ChallengeDemandQuery(filter_schema(ChallengeDemandFilter)):  # type: ignore[misc]
    pass


class ChallengeBatchQuery(filter_schema(BatchFilter, "ChallengeListFilters")):  # type: ignore[misc]
    pass


class ChallengeQuery(filter_schema(ChallengeFilter)):  # type: ignore[misc]
    pass


class ChallengeBidQuery(filter_schema(BidFilter, "ChallengeBidFilters")):  # type: ignore[misc]
    pass


# --- challenge lists (揭榜挂帅) and plan projects ---------------------------------------------

ChallengeCallPage = page_schema(ChallengeCallOut)
ChallengeDemandPage = page_schema(ChallengeDemandOut)
ChallengeListPage = page_schema(ChallengeListOut)
ChallengePage = page_schema(ChallengeOut)
ChallengeBidPage = page_schema(ChallengeBidOut)


@router.get("/challenge-calls", **public_read("揭榜挂帅需求征集列表", ChallengeCallPage))
def challenge_call_list(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Any:
    return page(
        selectors.challenge_call_list(user=actor(request)).order_by("-opens_on", "pk"),
        limit,
        offset,
    )


@router.get("/challenge-demands", **login_required("揭榜挂帅需求列表", ChallengeDemandPage))
def challenge_demand_list(
    request: HttpRequest,
    filters: Query[ChallengeDemandQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = selectors.challenge_demand_list(user=actor(request))
    return page(apply_filters(ChallengeDemandFilter, filters, qs), limit, offset)


@router.get("/challenge-lists", **public_read("揭榜挂帅榜单列表", ChallengeListPage))
def challenge_batch_list(
    request: HttpRequest,
    filters: Query[ChallengeBatchQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = apply_filters(BatchFilter, filters, selectors.batch_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/challenge-lists/{batch_id}", **public_read("揭榜挂帅榜单详情", ChallengeListDetail))
def challenge_batch_detail(request: HttpRequest, batch_id: int = path_id("榜单ID")) -> Any:
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


@router.get("/challenges", **public_read("揭榜挂帅榜单项目列表", ChallengePage))
def challenge_list(
    request: HttpRequest, filters: Query[ChallengeQuery], limit: int = Limit, offset: int = Offset
) -> Any:
    qs = apply_filters(ChallengeFilter, filters, selectors.challenge_list(user=actor(request)))
    return page(qs, limit, offset)


@router.get("/challenges/{challenge_id}", **public_read("揭榜挂帅榜单项目详情", ChallengeDetail))
def challenge_detail(request: HttpRequest, challenge_id: int = path_id("榜单项目ID")) -> Any:
    user = actor(request)
    c = selectors.challenge_list(user=user).get(pk=challenge_id)
    project = project_selectors.project_list(user=user).filter(challenge=c).first()
    return {
        **ChallengeOut.from_orm(c).model_dump(),
        "agreement": selectors.challenge_agreement(user=user, challenge=c),
        "plan_project_id": project.pk if project else None,
        "events": list(selectors.challenge_events(user=user, challenge=c)),
        "actions": CHALLENGE.actions(user, c),
    }


@router.get("/bids", **login_required("揭榜申请列表", ChallengeBidPage))
def bid_list(
    request: HttpRequest,
    filters: Query[ChallengeBidQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = apply_filters(BidFilter, filters, selectors.bid_list(user=actor(request)))
    return page(qs, limit, offset)


@router.post("/bids", **login_required("揭榜", ChallengeBidOut, status=201))
def bid_create(request: HttpRequest, payload: ChallengeBidIn) -> Any:
    user = actor(request)
    data = payload.model_dump(exclude_none=True)
    challenge = selectors.challenge_list(user=user).get(pk=data.pop("challenge_id"))
    bid = services.bid_submit(actor=user, challenge=challenge, data=data, source="api")
    return Status(201, bid)


BidReviewPage = page_schema(BidReviewOut)


@router.get("/bid-reviews", **login_required("揭榜申请专家评审列表", BidReviewPage))
def bid_review_list(
    request: HttpRequest,
    limit: int = Query(20, ge=1, le=100, description="每页条数"),
    offset: int = Query(0, ge=0, description="跳过条数"),
) -> Any:
    return page(selectors.review_list(user=actor(request)), limit, offset)


@router.post("/bid-reviews/{review_id}", **login_required("提交专家评审意见", BidReviewOut))
def bid_review_submit(
    request: HttpRequest,
    payload: BidReviewIn,
    review_id: int = path_id("评审ID"),
) -> Any:
    user = actor(request)
    review = selectors.review_list(user=user).get(pk=review_id)
    return services.review_submit(
        actor=user, review=review, score=payload.score, opinion=payload.opinion, source="api"
    )


ChallengeId = path_id("榜单项目ID")


@router.post(
    "/challenges/{challenge_id}/reviews", **login_required("分配评审专家", list[BidReviewOut])
)
def challenge_review_assign(
    request: HttpRequest, payload: ReviewAssignIn, challenge_id: int = ChallengeId
) -> Any:
    user = actor(request)
    challenge = selectors.challenge_list(user=user).get(pk=challenge_id)
    form = forms.ReviewAssignForm(
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


@router.post(
    "/challenges/{challenge_id}/review-close", **login_required("结束专家评审", ReviewCloseOut)
)
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
