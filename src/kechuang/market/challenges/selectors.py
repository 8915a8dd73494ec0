"""Reads of the challenge lists (揭榜挂帅), restricted to what the acting user may see.

Expert reviews of bids: an expert sees the reviews assigned to it, and through them the bids;
the province and the issuer see, per bid, how many reviews are in and their average score,
with the opinions — the province with the experts' names, the issuer without.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.core.workflow import acts_for
from kechuang.market.challenges.models import (
    BidReview,
    Challenge,
    ChallengeAgreement,
    ChallengeBid,
    ChallengeCall,
    ChallengeDemand,
    ChallengeListBatch,
)
from kechuang.market.projects.models import ChallengeEvent

# --- challenge lists ------------------------------------------------------------------------


def challenge_call_list(*, user: Any) -> QuerySet[ChallengeCall]:
    return scoping.visible(ChallengeCall.objects.all(), user)


def challenge_demand_list(*, user: Any) -> QuerySet[ChallengeDemand]:
    """Demands proposed to calls: the proposer's own, and those within an admin's scope."""
    qs = ChallengeDemand.objects.select_related("call", "enterprise", "field")
    return scoping.visible(qs, user)


def batch_list(*, user: Any) -> QuerySet[ChallengeListBatch]:
    """Published lists for everyone; lists being drawn up for the province only."""
    return scoping.visible(ChallengeListBatch.objects.all(), user)


def challenge_list(*, user: Any) -> QuerySet[Challenge]:
    """Challenges of published lists for everyone; drafts for the province, the issuer and
    the admins of the issuer's city or zone."""
    qs = Challenge.objects.select_related("batch", "issuer", "field")
    return scoping.visible(qs, user)


def bid_list(*, user: Any) -> QuerySet[ChallengeBid]:
    """A solver sees its own bids, an issuer the bids on its challenges."""
    qs = ChallengeBid.objects.select_related("challenge", "challenge__issuer")
    return scoping.visible(qs, user)


def bids_on(*, user: Any, challenge: Challenge) -> QuerySet[ChallengeBid]:
    return bid_list(user=user).filter(challenge=challenge)


def challenge_agreement(*, user: Any, challenge: Challenge) -> ChallengeAgreement | None:
    qs = ChallengeAgreement.objects.filter(challenge=challenge)
    return scoping.visible(qs, user).first()


def challenge_events(*, user: Any, challenge: Challenge) -> QuerySet[ChallengeEvent]:
    """The milestones of a challenge, for the province, the issuer and its city bureau."""
    qs = ChallengeEvent.objects.filter(challenge=challenge).select_related("actor")
    return scoping.visible(qs, user).order_by("at", "id")


@dataclass
class BidScore:
    bid_id: int
    assigned: int = 0
    reviewed: int = 0
    scores: list[int] = field(default_factory=list)
    opinions: list[tuple[str, int, str]] = field(default_factory=list)  # who, score, text

    @property
    def average(self) -> Decimal | None:
        if not self.scores:
            return None
        mean = Decimal(sum(self.scores)) / len(self.scores)
        return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def review_list(*, user: Any) -> QuerySet[BidReview]:
    """The reviews `user` may read: the province all, an expert those assigned to it."""
    qs = BidReview.objects.select_related("bid", "challenge", "challenge__issuer", "expert")
    return scoping.visible(qs, user).order_by("reviewed_on", "-challenge__deadline", "id")


def sees_review_results(user: Any, challenge: Challenge) -> bool:
    return scoping.role_of(user) == Role.PROVINCE_ADMIN or acts_for(
        user, challenge.issuer_id, Role.ENTERPRISE
    )


def review_summary(*, user: Any, challenge: Challenge) -> dict[int, BidScore]:
    """Per bid id, the review figures; empty for anyone but the province and the issuer."""
    if not sees_review_results(user, challenge):
        return {}
    named = scoping.role_of(user) == Role.PROVINCE_ADMIN
    out: dict[int, BidScore] = {}
    rows = BidReview.objects.filter(challenge=challenge).select_related("expert")
    for r in rows.order_by("bid_id", "id"):
        s = out.setdefault(r.bid_id, BidScore(r.bid_id))
        s.assigned += 1
        if r.reviewed_on is not None and r.score is not None:
            s.reviewed += 1
            s.scores.append(r.score)
            who = (r.expert.display_name or r.expert.username) if named else ""
            s.opinions.append((who, r.score, r.opinion))
    return out
