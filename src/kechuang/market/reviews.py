"""Reads of the expert review of challenge bids (writes are in services/reviews.py).

An expert sees the reviews assigned to it, and through them the bids; the province and
the issuer see, per bid, how many reviews are in and their average score, with the
opinions — the province with the experts' names, the issuer without.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.core.workflow import acts_for
from kechuang.market.models import BidReview, Challenge


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
