"""Expert review of challenge bids: the province assigns, experts score, the gate on selection.

Review starts once bidding has closed, so the set of bids is fixed when experts are
assigned to a whole challenge. The issuer may select only when every review of a live bid
is in, or the province has ended the review (with a reason, e.g. an expert who cannot
finish): the workflow's guards (`market.challenges.workflow`). Experts are not named on
the challenge's timeline, which the issuer reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, scoping
from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role
from kechuang.core.workflow import day
from kechuang.market.challenges.models import BidReview, Challenge, ChallengeBid
from kechuang.market.challenges.workflow import (
    CHALLENGE,
    REVIEW,
    bidding_closed,
    pending_reviews,
    review_open,
)

__all__ = ["pending_reviews", "review_assign", "review_close", "review_submit"]


def _bids_to_review(challenge: Challenge, expert: Any, bid: ChallengeBid | None) -> list[Any]:
    if scoping.role_of(expert) != Role.EXPERT or not expert.is_active:
        raise ValidationError({"expert": ValidationError(_("请选择专家用户"), code="not_expert")})
    live = challenge.bids.filter(status=ChallengeBid.Status.SUBMITTED)
    if bid is not None:
        if not live.filter(pk=bid.pk).exists():
            raise ValidationError(
                {"bid": ValidationError(_("只能评审本项目未撤回的揭榜申请"), code="bad_bid")}
            )
        live = live.filter(pk=bid.pk)
    taken = set(
        BidReview.objects.filter(expert=expert, bid__in=live).values_list("bid_id", flat=True)
    )
    todo = [b for b in live.order_by("id") if b.pk not in taken]
    if not todo:
        if taken:
            raise ValidationError(
                {"expert": ValidationError(_("该专家已分配评审这些揭榜申请"), code="assigned")}
            )
        raise ValidationError(_("没有待评审的揭榜申请"), code="no_bids")
    return todo


def review_assign(
    *,
    actor: Any,
    challenge: Challenge,
    expert: Any,
    bid: ChallengeBid | None = None,
    on: dt.date | None = None,
    source: str = "web",
) -> list[BidReview]:
    """Assign `expert` to one bid, or to every live bid of the challenge."""
    made: list[BidReview] = []

    def assign(row: Challenge) -> dict[str, Any]:
        if (why := bidding_closed(row, day(on))) is not None:
            raise why
        for b in _bids_to_review(row, expert, bid):
            review = BidReview(challenge=row, bid=b, expert=expert, assigned_by=actor)
            review.full_clean()
            review.save()
            audit.record(
                actor, AuditEntry.Action.CREATE, review, None, audit.snapshot(review), source=source
            )
            made.append(review)
        return {"bid": bid, "bids": len(made)}

    CHALLENGE.perform("assign_review", actor=actor, obj=challenge, change=assign, source=source)
    return made


def review_submit(
    *,
    actor: Any,
    review: BidReview,
    score: int,
    opinion: str,
    on: dt.date | None = None,
    source: str = "web",
) -> BidReview:
    """The assigned expert scores the bid once and gives an opinion, while the challenge's
    review is open and the bid live (the workflow's "submit")."""

    def give(row: BidReview) -> None:
        # The province's closing of the review waits for this, and this for it.
        challenge = Challenge.objects.select_for_update().get(pk=row.challenge_id)
        if (why := review_open(challenge)) is not None:
            raise why
        if not opinion.strip():
            raise ValidationError({"opinion": ValidationError(_("请填写评审意见"), code="opinion")})
        row.score = score
        row.opinion = opinion.strip()
        row.reviewed_on = day(on)
        row.status = BidReview.Status.REVIEWED  # validated with its date, below
        row.full_clean()

    return REVIEW.perform("submit", actor=actor, obj=review, change=give, source=source)


def review_close(
    *,
    actor: Any,
    challenge: Challenge,
    reason: str,
    on: dt.date | None = None,
    source: str = "web",
) -> Challenge:
    """The province ends the review; the issuer may then select on the reviews given."""
    return CHALLENGE.perform(
        "close_review",
        actor=actor,
        obj=challenge,
        reason=reason,
        on=on,
        change=lambda row: {"pending": pending_reviews(row)},
        source=source,
    )
