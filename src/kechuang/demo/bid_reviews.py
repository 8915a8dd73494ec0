"""Bids on the demo's challenges (F22) and the experts' reviews of them.

Universities and institutes bid on every challenge. Where bidding has closed by the end of
the period, the province has assigned two or three of the demo's experts to every bid, and
most of them have given a score and an opinion; a few reviews are still outstanding, so the
pages show a review under way as well as finished ones. No challenge is decided yet.

Bids and reviews are dated (submitted while the list is open, experts assigned the day after
the deadline, reviews given later), and the challenges' timeline is written from those dates.
Runs after the demo logins exist (the experts and the province are users).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kechuang.core.models import User
from kechuang.core.roles import Role
from kechuang.demo import challenge_events
from kechuang.demo.challenge_events import PUBLISH_HOUR, local
from kechuang.demo.context import Context
from kechuang.demo.users import USERNAMES
from kechuang.market.models import BidReview, Challenge, ChallengeBid
from kechuang.registry.models import Institution

APPROACHES = (
    "产学研联合攻关,分阶段完成小试、中试与工程验证。",
    "依托省重点实验室平台,先行仿真建模,再开展样机研制与示范应用。",
    "联合上下游企业组建攻关团队,关键工艺与装备同步开发。",
)
OPINIONS = (
    (85, "技术路线清晰,团队基础扎实,指标可达,建议优先考虑。"),
    (70, "方案总体可行,中试验证安排偏紧,建议细化进度与风险应对。"),
    (55, "前期积累不足,关键指标论证不充分,实施风险较大。"),
)
REVIEWED_SHARE = 0.85  # of the assigned reviews, those the experts have given
ASSIGN_HOUR = 10
REVIEW_HOUR = 14


def clear() -> None:
    challenge_events.clear()  # the events refer to the bids and the challenges
    BidReview.objects.all().delete()
    ChallengeBid.objects.all().delete()


def _opinion(rng: Any) -> tuple[int, str]:
    base, text = rng.choice(OPINIONS)
    return min(100, max(0, base + rng.randint(-8, 10))), text


def generate(ctx: Context) -> None:
    rng = ctx.rng("bid-reviews")
    clock = ctx.rng("bid-dates")  # times of day on a stream of their own
    today = ctx.now.date()
    solvers = list(
        Institution.objects.filter(kind__in=ChallengeBid.SolverKind.values)
        .order_by("id")
        .values_list("id", "name", "uscc", "kind")
    )
    experts = list(
        User.objects.filter(username__in=USERNAMES, role=Role.EXPERT)
        .order_by("username")
        .values_list("id", flat=True)
    )
    province = User.objects.filter(username="province").values_list("id", flat=True).first()
    if not solvers:
        return
    bids: list[tuple[Any, ...]] = []
    reviews: list[tuple[Any, ...]] = []
    challenges = Challenge.objects.order_by("id").values_list(
        "id", "deadline", "budget_cap", "batch__published_on"
    )
    for challenge_id, deadline, cap, published_on in challenges:
        closed = deadline < today
        # The province assigns each expert the morning after bidding closes.
        assigned = {
            e: local(deadline + dt.timedelta(days=1), ASSIGN_HOUR, 10 * i)
            for i, e in enumerate(experts)
        }
        for inst_id, name, uscc, kind in rng.sample(solvers, min(len(solvers), rng.randint(2, 4))):
            bid_id = len(bids) + 1
            price = Decimal(int(cap * rng.randint(60, 100) / 100) // 10_000 * 10_000)
            # Bids come in while the list is open, after it went out, before the deadline.
            first = published_on or deadline
            span = (min(deadline, today) - first).days
            submitted = local(
                first + dt.timedelta(days=clock.randint(0, max(span, 0))),
                PUBLISH_HOUR,
                clock.randrange(30, 480),
            )
            bids.append(
                (
                    bid_id,
                    challenge_id,
                    inst_id,
                    name,
                    kind,
                    uscc or "",
                    rng.choice(APPROACHES),
                    price,
                    submitted,
                    submitted,
                )
            )
            if not closed or not experts:
                continue
            last = min(today, deadline + dt.timedelta(days=30))
            for expert_id in rng.sample(experts, min(len(experts), rng.randint(2, 3))):
                score: int | None = None
                opinion, on = "", None
                given = assigned[expert_id]
                if rng.random() < REVIEWED_SHARE:
                    score, opinion = _opinion(rng)
                    on = deadline + dt.timedelta(days=rng.randint(1, (last - deadline).days))
                    # In the afternoon: after the morning's assignment, before the build's now.
                    given = local(on, REVIEW_HOUR, clock.randrange(180))
                reviews.append(
                    (
                        len(reviews) + 1,
                        challenge_id,
                        bid_id,
                        expert_id,
                        province,
                        score,
                        opinion,
                        on,
                        BidReview.Status.ASSIGNED if on is None else BidReview.Status.REVIEWED,
                        assigned[expert_id],
                        given,
                    )
                )
    ctx.insert(
        ChallengeBid,
        (
            "id",
            "challenge_id",
            "solver_institution_id",
            "solver_name",
            "solver_kind",
            "solver_uscc",
            "proposal",
            "price",
            "created_at",
            "updated_at",
        ),
        bids,
    )
    ctx.insert(
        BidReview,
        (
            "id",
            "challenge_id",
            "bid_id",
            "expert_id",
            "assigned_by_id",
            "score",
            "opinion",
            "reviewed_on",
            "status",
            "created_at",
            "updated_at",
        ),
        reviews,
    )
    challenge_events.generate(ctx, province)
