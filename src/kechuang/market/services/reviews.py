"""Expert review of challenge bids: the province assigns, experts score, the gate on selection.

Review starts once bidding has closed, so the set of bids is fixed when experts are
assigned to a whole challenge. The issuer may select only when every review of a live bid
is in, or the province has ended the review (with a reason, e.g. an expert who cannot
finish). Experts are not named on the challenge's timeline, which the issuer reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, scoping
from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role
from kechuang.market.models import BidReview, Challenge, ChallengeBid
from kechuang.market.services.workflow import (
    day,
    event,
    is_province,
    lock,
    require_reason,
    require_status,
)


def pending_reviews(challenge: Challenge) -> int:
    """Assigned reviews of live bids that the experts have not yet given."""
    return BidReview.objects.filter(
        challenge=challenge,
        reviewed_on__isnull=True,
        bid__status=ChallengeBid.Status.SUBMITTED,
    ).count()


def require_reviews_in(challenge: Challenge) -> None:
    """Refuse a selection while assigned reviews are outstanding and the review is open."""
    if challenge.review_closed_on is not None:
        return
    waiting = pending_reviews(challenge)
    if waiting:
        raise ValidationError(
            _("尚有%(n)d份专家评审意见未提交;评审完成或省科技厅结束评审后方可选定揭榜方"),
            code="reviews_pending",
            params={"n": waiting},
        )


def _require_review_open(challenge: Challenge) -> None:
    require_status(challenge, Challenge.Status.OPEN)
    if challenge.review_closed_on is not None:
        raise ValidationError(_("专家评审已结束"), code="review_closed")


@transaction.atomic
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
    scoping.require(is_province(actor))
    challenge = lock(challenge)
    _require_review_open(challenge)
    if day(on) <= challenge.deadline:
        raise ValidationError(_("揭榜截止后方可分配评审专家"), code="too_early")
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
    made = []
    for b in todo:
        review = BidReview(challenge=challenge, bid=b, expert=expert, assigned_by=actor)
        review.full_clean()
        review.save()
        audit.record(
            actor, AuditEntry.Action.CREATE, review, None, audit.snapshot(review), source=source
        )
        made.append(review)
    event(
        "review_assigned",
        actor,
        challenge=challenge,
        bid=bid,
        bids=len(made),
    )
    return made


@transaction.atomic
def review_submit(
    *,
    actor: Any,
    review: BidReview,
    score: int,
    opinion: str,
    on: dt.date | None = None,
    source: str = "web",
) -> BidReview:
    """The assigned expert scores the bid once and gives an opinion."""
    review = lock(review)
    if scoping.role_of(actor) != Role.EXPERT or review.expert_id != getattr(actor, "pk", None):
        raise PermissionDenied("only the expert assigned to the bid reviews it")
    challenge = lock(review.challenge)
    _require_review_open(challenge)
    require_status(review.bid, ChallengeBid.Status.SUBMITTED)
    if review.reviewed_on is not None:
        raise ValidationError(_("已提交评审意见"), code="reviewed")
    if not opinion.strip():
        raise ValidationError({"opinion": ValidationError(_("请填写评审意见"), code="opinion")})
    before = audit.snapshot(review)
    review.score = score
    review.opinion = opinion.strip()
    review.reviewed_on = day(on)
    review.full_clean()
    review.save()
    audit.record(
        actor, AuditEntry.Action.UPDATE, review, before, audit.snapshot(review), source=source
    )
    event("bid_reviewed", None, challenge=challenge, bid=review.bid)
    return review


@transaction.atomic
def review_close(
    *,
    actor: Any,
    challenge: Challenge,
    reason: str,
    on: dt.date | None = None,
    source: str = "web",
) -> Challenge:
    """The province ends the review; the issuer may then select on the reviews given."""
    scoping.require(is_province(actor))
    challenge = lock(challenge)
    _require_review_open(challenge)
    require_reason(reason)
    if not BidReview.objects.filter(challenge=challenge).exists():
        raise ValidationError(_("该项目尚未分配评审专家"), code="no_review")
    waiting = pending_reviews(challenge)
    before = audit.snapshot(challenge)
    challenge.review_closed_on = day(on)
    challenge.save(update_fields=["review_closed_on", "updated_at"])
    audit.record(
        actor, AuditEntry.Action.UPDATE, challenge, before, audit.snapshot(challenge), source=source
    )
    event("review_closed", actor, reason=reason.strip(), challenge=challenge, pending=waiting)
    return challenge
