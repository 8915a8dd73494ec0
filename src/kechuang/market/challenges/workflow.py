"""The challenge-list workflow (揭榜挂帅, 辽科发〔2021〕42号), declared as data.

1. The province opens a call for demands (需求征集); leading enterprises propose demands
   while it is open (a city bureau may for the enterprises of its city) and may correct
   them until the province decides: it adopts a demand into a list, or declines it with
   the reason.
2. The province draws up a list (编制榜单): it refines demands (or needs found otherwise)
   into challenges, corrects them, then publishes the list (发布榜单). Every challenge of
   the list opens for bids (揭榜中) and the public sees it.
3. Enterprises and institutions bid (揭榜) for themselves until the deadline; the province
   records bids of outside parties. The issuer and its affiliates may not bid. A solver
   may withdraw its bid while the challenge is open.
4. Once bidding has closed, the province may assign experts to review the bids, each of
   whom scores a bid once while the review is open and the bid live, and may end the
   review with a reason; the issuer (or the province for it) selects a bid (选定)
   when every review of a live bid is in or the review has been ended.
5. The province records the agreement the issuer signed (签约备案); the issuer then
   applies for a provincial plan project (see `projects.workflow`). A challenge without
   a solver or an agreement ends unawarded (流榜), with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.core.workflow import May, Transition, Workflow, acts_for, owner, province, role
from kechuang.market.challenges.models import (
    BidReview,
    Challenge,
    ChallengeBid,
    ChallengeDemand,
    ChallengeListBatch,
)
from kechuang.market.projects.models import ChallengeEvent

D = ChallengeDemand.Status
B = ChallengeListBatch.Status
C = Challenge.Status
S = ChallengeBid.Status
R = BidReview.Status


def emitter(link: str, *parents: str) -> Any:
    """An event about the record named `link`, naming its `parents` records too."""

    def emit(kind: str, *, actor: Any, obj: Any, reason: str = "", **data: Any) -> Any:
        links = {p: getattr(obj, p) for p in parents if p not in data}
        return ChallengeEvent.emit(kind, actor=actor, reason=reason, **{link: obj}, **links, **data)

    return emit


# --- who may --------------------------------------------------------------------------------

issuer = owner("issuer_id", Role.ENTERPRISE)
bid_issuer = owner("challenge.issuer_id", Role.ENTERPRISE)


def _for_the_enterprise(user: Any, demand: ChallengeDemand) -> bool:
    """As `challenge_demand_propose`: the enterprise itself, or an admin whose scope covers it."""
    return acts_for(user, demand.enterprise_id, Role.ENTERPRISE) or (
        scoping.role_of(user) in (Role.PROVINCE_ADMIN, Role.CITY_ADMIN)
        and scoping.can_edit(user, demand.enterprise)
    )


def _solver(user: Any, bid: ChallengeBid) -> bool:
    return acts_for(user, bid.solver_enterprise_id, Role.ENTERPRISE) or acts_for(
        user, bid.solver_institution_id, Role.INSTITUTION
    )


def acts_as_expert(user: Any) -> bool:
    return scoping.role_of(user) == Role.EXPERT


for_the_enterprise = May(_for_the_enterprise, "enterprise/city")
solver = May(_solver, "solver")
not_issuer = May(lambda u, c: not issuer(u, c), "not issuer")
may_bid = role(Role.ENTERPRISE, Role.INSTITUTION, Role.PROVINCE_ADMIN) & not_issuer

# --- conditions beyond the state ------------------------------------------------------------


def bidding_closed(challenge: Challenge, on: dt.date | None = None) -> ValidationError | None:
    """Selection, review and 流榜 wait for the deadline (today's, unless `on` is given)."""
    if (on or timezone.localdate()) <= challenge.deadline:
        return ValidationError(_("揭榜截止后方可办理"), code="too_early")
    return None


def accepting_bids(challenge: Challenge) -> ValidationError | None:
    if not challenge.accepts_bids(timezone.localdate()):
        return ValidationError(_("该榜单项目不在揭榜期内"), code="not_open")
    return None


def pending_reviews(challenge: Challenge) -> int:
    """Assigned reviews of live bids that the experts have not yet given (counted once for a
    page of rows by `count_pending_reviews`)."""
    known = getattr(challenge, "pending_reviews_n", None)
    if known is not None:
        return int(known)
    return BidReview.objects.filter(
        challenge=challenge, reviewed_on__isnull=True, bid__status=S.SUBMITTED
    ).count()


def count_pending_reviews(challenges: list[Challenge]) -> None:
    """Count the pending reviews of many challenges in one query, for a list page."""
    counts = dict(
        BidReview.objects.filter(
            challenge__in=[c.pk for c in challenges],
            reviewed_on__isnull=True,
            bid__status=S.SUBMITTED,
        )
        .values_list("challenge_id")
        .annotate(n=Count("id"))
    )
    for c in challenges:
        c.pending_reviews_n = counts.get(c.pk, 0)  # type: ignore[attr-defined]


def review_open(challenge: Challenge) -> ValidationError | None:
    if challenge.status != C.OPEN or challenge.review_closed_on is not None:
        return ValidationError(_("专家评审已结束"), code="review_closed")
    return None


def reviews_in(challenge: Challenge) -> ValidationError | None:
    """A selection waits while assigned reviews are outstanding and the review is open."""
    if challenge.review_closed_on is not None:
        return None
    waiting = pending_reviews(challenge)
    if waiting:
        return ValidationError(
            _("尚有%(n)d份专家评审意见未提交;评审完成或省科技厅结束评审后方可选定揭榜方"),
            code="reviews_pending",
            params={"n": waiting},
        )
    return None


def _assignable(challenge: Challenge) -> ValidationError | None:
    return review_open(challenge) or bidding_closed(challenge)


def _closable(challenge: Challenge) -> ValidationError | None:
    if (why := review_open(challenge)) is not None:
        return why
    if not BidReview.objects.filter(challenge=challenge).exists():
        return ValidationError(_("该项目尚未分配评审专家"), code="no_review")
    return None


def _unawardable(challenge: Challenge) -> ValidationError | None:
    return bidding_closed(challenge) if challenge.status == C.OPEN else None


def _not_applied(challenge: Challenge) -> ValidationError | None:
    if hasattr(challenge, "plan_project"):
        return ValidationError(_("该榜单项目已申报"), code="already_applied")
    return None


def _selectable(bid: ChallengeBid) -> ValidationError | None:
    c = bid.challenge
    if c.status != C.OPEN:
        return ValidationError(_("该榜单项目不在选定阶段"), code="bad_status")
    return reviews_in(c)


def _withdrawable(bid: ChallengeBid) -> ValidationError | None:
    if bid.challenge.status != C.OPEN:
        return ValidationError(_("揭榜已结束,不能撤回"), code="bad_status")
    return None


def _reviewable(review: BidReview) -> ValidationError | None:
    if (why := review_open(review.challenge)) is not None:
        return why
    if review.bid.status not in BID["withdraw"].source:  # no longer live
        return ValidationError(_("揭榜申请已撤回"), code="bad_status")
    return None


def _has_items(batch: ChallengeListBatch) -> ValidationError | None:
    if not batch.challenges.exists():
        return ValidationError(_("榜单中还没有项目"), code="empty_batch")
    return None


# --- the workflows --------------------------------------------------------------------------

DEMAND = Workflow(
    ChallengeDemand,
    [
        Transition(
            "edit",
            _("修改"),
            (D.SUBMITTED,),
            None,
            for_the_enterprise,
            style="secondary",
            form="market:challenge_demand_edit",
        ),
        Transition(
            "decline",
            _("不予采纳"),
            (D.SUBMITTED,),
            D.DECLINED,
            province,
            event="demand_declined",
            reason=True,
            style="danger",
            confirm=_("确定不予采纳该需求?"),
        ),
        # Performed by `challenge_create` when the province refines the demand into a list.
        Transition(
            "adopt", _("纳入榜单"), (D.SUBMITTED,), D.ADOPTED, province, event="demand_adopted"
        ),
    ],
    emit=emitter("demand", "call"),
    name="market.challenge_demand",
)

BATCH = Workflow(
    ChallengeListBatch,
    [
        Transition(
            "edit",
            _("修改"),
            (B.DRAFT,),
            None,
            province,
            style="secondary",
            form="market:batch_edit",
        ),
        Transition(
            "add_challenge",
            _("添加榜单项目"),
            (B.DRAFT,),
            None,
            province,
            event="challenge_added",
            style="secondary",
            form="market:challenge_add",
        ),
        Transition(
            "publish",
            _("发布榜单"),
            (B.DRAFT,),
            B.PUBLISHED,
            province,
            event="batch_published",
            guard=_has_items,
            confirm=_("确定发布榜单?发布后榜单项目即开放揭榜,不能再修改。"),
            deadline=lambda b, on: setattr(b, "published_on", on),
        ),
        Transition(
            "close",
            _("结束榜单"),
            (B.PUBLISHED,),
            B.CLOSED,
            province,
            event="batch_closed",
            style="secondary",
            confirm=_("确定结束该榜单?"),
        ),
    ],
    emit=emitter("batch"),
    name="market.challenge_batch",
)

CHALLENGE = Workflow(
    Challenge,
    [
        Transition(
            "edit",
            _("修改"),
            (C.DRAFT,),
            None,
            province,
            style="secondary",
            form="market:challenge_edit",
        ),
        # Bidding creates a bid (`bid_submit`); listed here so the page shows the button.
        Transition(
            "bid",
            _("揭榜"),
            (C.OPEN,),
            None,
            may_bid,
            guard=accepting_bids,
            form="market:bid_create",
        ),
        Transition(
            "assign_review",
            _("分配评审专家"),
            (C.OPEN,),
            None,
            province,
            event="review_assigned",
            guard=_assignable,
        ),
        Transition(
            "close_review",
            _("结束专家评审"),
            (C.OPEN,),
            None,
            province,
            event="review_closed",
            reason=True,
            guard=_closable,
            style="secondary",
            confirm=_("确定结束专家评审?未提交的评审意见将不再接收。"),
            deadline=lambda c, on: setattr(c, "review_closed_on", on),
        ),
        Transition(
            "record_agreement",
            _("签约备案"),
            (C.SELECTED,),
            C.SIGNED,
            province,
            event="agreement_recorded",
        ),
        Transition(
            "apply_project",
            _("申报省级科技计划项目"),
            (C.SIGNED,),
            None,
            province | issuer,
            event="project_applied",
            guard=_not_applied,
            confirm=_("确定申报省级科技计划项目?"),
        ),
        Transition(
            "unawarded",
            _("宣布流榜"),
            (C.OPEN, C.SELECTED),
            C.UNAWARDED,
            province,
            event="challenge_unawarded",
            reason=True,
            guard=_unawardable,
            style="danger",
            confirm=_("确定宣布该榜单项目流榜?此操作不可撤销。"),
        ),
    ],
    emit=emitter("challenge"),
    name="market.challenge",
)

BID = Workflow(
    ChallengeBid,
    [
        Transition(
            "select",
            _("选定"),
            (S.SUBMITTED,),
            S.SELECTED,
            province | bid_issuer,
            event="bid_selected",
            guard=_selectable,
            confirm=_("确定选定该揭榜方?其他揭榜申请将为未选定。"),
        ),
        Transition(
            "withdraw",
            _("撤回"),
            (S.SUBMITTED,),
            S.WITHDRAWN,
            province | solver,
            event="bid_withdrawn",
            guard=_withdrawable,
            style="secondary",
            confirm=_("确定撤回该揭榜申请?"),
        ),
    ],
    emit=emitter("bid", "challenge"),
    name="market.challenge_bid",
)


def _review_emit(kind: str, *, actor: Any, obj: BidReview, reason: str = "", **data: Any) -> Any:
    # Experts stay unnamed on the timeline, which the issuer reads: the event has no actor.
    return ChallengeEvent.emit(
        kind, actor=None, reason=reason, challenge=obj.challenge, bid=obj.bid, **data
    )


assigned_expert = May(lambda u, r: acts_as_expert(u) and r.expert_id == u.pk, "assigned expert")

REVIEW = Workflow(
    BidReview,
    [
        Transition(
            "submit",
            _("提交评审意见"),
            (R.ASSIGNED,),
            R.REVIEWED,
            assigned_expert,
            event="bid_reviewed",
            guard=_reviewable,
            form="market:bid_review_detail",
        ),
    ],
    emit=_review_emit,
    name="market.bid_review",
)
