"""The timeline of the demo's challenges: the events the workflow services would have written.

The workflows write a `ChallengeEvent` at every step (`market.challenges.workflow`,
`market.projects.workflow`); the demo inserts its records directly, so it writes the same
events afterwards, each dated by the record it is about: a list and its challenges by their
creation, the publication by `published_on`, a bid by its submission, an expert's assignment
by the review rows' creation, a review by the time it was given. Kinds, actors, links and
data are those of `market.challenges.services`. Runs after the bids and reviews exist and
after the logins (the province and the institution's login are actors).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from django.utils import timezone

from kechuang.core.models import User
from kechuang.core.roles import Role
from kechuang.demo.context import Context
from kechuang.demo.users import USERNAMES
from kechuang.market.models import (
    BidReview,
    Challenge,
    ChallengeBid,
    ChallengeEvent,
    ChallengeListBatch,
)

PUBLISH_HOUR = 9  # lists go out first thing; bids come in later the same day at the earliest
COLUMNS = ("id", "kind", "at", "actor_id", "data", "batch_id", "challenge_id", "bid_id")


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """`day` at a wall-clock time of the province (minutes may run past the hour)."""
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())
    return start + dt.timedelta(minutes=minute)


def published_at(day: dt.date) -> dt.datetime:
    return local(day, PUBLISH_HOUR)


def clear() -> None:
    ChallengeEvent.objects.all().delete()


def generate(ctx: Context, province: int | None) -> None:
    rows: list[tuple[Any, ...]] = []

    def add(kind: str, at: dt.datetime, actor: int | None, links: tuple[Any, ...], **data: Any):
        rows.append((kind, at, actor, json.dumps(data), *links))  # bulk takes JSON as text

    batches = ChallengeListBatch.objects.order_by("id").values_list(
        "id", "created_at", "published_on"
    )
    sizes: dict[int, int] = defaultdict(int)
    challenges = list(Challenge.objects.order_by("id").values_list("id", "batch_id", "created_at"))
    for challenge_id, batch_id, created in challenges:
        add("challenge_added", created, province, (batch_id, challenge_id, None))
        sizes[batch_id] += 1
    for batch_id, created, published_on in batches:
        add("batch_created", created, province, (batch_id, None, None))
        if published_on is not None:
            at = published_at(published_on)
            add("batch_published", at, province, (batch_id, None, None), challenges=sizes[batch_id])
    # A bid is submitted by a login of the solver, or by the province on the solver's behalf.
    logins = dict(
        User.objects.filter(username__in=USERNAMES, role=Role.INSTITUTION)
        .exclude(organization_id=None)
        .values_list("organization_id", "id")
    )
    bids: dict[int, set[int]] = defaultdict(set)
    for bid_id, challenge_id, solver, created in ChallengeBid.objects.order_by("id").values_list(
        "id", "challenge_id", "solver_institution_id", "created_at"
    ):
        actor = logins.get(solver, province)
        add("bid_submitted", created, actor, (None, challenge_id, bid_id))
        bids[challenge_id].add(bid_id)
    _reviews(add, province, bids)
    rows.sort(key=lambda r: r[1])  # stable: same-time events keep the workflow's order
    ctx.insert(ChallengeEvent, COLUMNS, ((pk, *r) for pk, r in enumerate(rows, start=1)))


def _reviews(add: Any, province: int | None, bids: dict[int, set[int]]) -> None:
    """One assignment per expert and challenge when the expert has all its bids (the
    service's assignment to a whole challenge), else one per bid; then the reviews given."""
    assigned: dict[tuple[int, int], list[tuple[int, dt.datetime]]] = defaultdict(list)
    reviews = BidReview.objects.order_by("id").values_list(
        "challenge_id", "bid_id", "expert_id", "created_at", "updated_at", "reviewed_on"
    )
    given = []
    for challenge_id, bid_id, expert_id, created, updated, reviewed_on in reviews:
        assigned[challenge_id, expert_id].append((bid_id, created))
        if reviewed_on is not None:
            given.append((updated, challenge_id, bid_id))
    for (challenge_id, _expert), items in assigned.items():
        if {b for b, _at in items} == bids[challenge_id]:
            at = min(a for _b, a in items)
            add("review_assigned", at, province, (None, challenge_id, None), bids=len(items))
        else:
            for bid_id, at in items:
                add("review_assigned", at, province, (None, challenge_id, bid_id), bids=1)
    for at, challenge_id, bid_id in given:
        # The service writes no actor here: the issuer reads the timeline, experts stay unnamed.
        add("bid_reviewed", at, None, (None, challenge_id, bid_id))
