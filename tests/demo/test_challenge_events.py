"""The demo's challenge timeline: the events the workflow services would have written."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kechuang.core.models import User
from kechuang.demo import users
from kechuang.market.challenges import selectors as challenge_selectors
from kechuang.market.models import (
    BidReview,
    Challenge,
    ChallengeBid,
    ChallengeEvent,
    ChallengeListBatch,
)

pytestmark = pytest.mark.django_db

# The order the workflow allows a challenge's own events in (bids may follow one another).
STEPS = ("challenge_added", "bid_submitted", "review_assigned", "bid_reviewed")


def _local_day(at):
    return timezone.localtime(at).date()


def test_every_challenge_has_a_timeline_in_workflow_order(demo, targets):
    end = targets.period.end
    now = dt.datetime(end.year, end.month, end.day, 9, tzinfo=dt.UTC)  # the build's clock
    province = User.objects.get(username="province")
    challenges = list(Challenge.objects.select_related("batch"))
    assert challenges
    for c in challenges:
        events = list(challenge_selectors.challenge_events(user=province, challenge=c))
        kinds = [e.kind for e in events]
        assert kinds[0] == "challenge_added" and kinds.count("challenge_added") == 1
        assert [STEPS.index(k) for k in kinds] == sorted(STEPS.index(k) for k in kinds)
        added = events[0]
        assert added.batch_id == c.batch_id and added.actor == province
        assert _local_day(added.at) < c.batch.published_on
        for e in events[1:]:
            if e.kind == "bid_submitted":
                assert c.batch.published_on <= _local_day(e.at) <= min(c.deadline, end)
            else:  # review steps come after bidding has closed
                assert c.deadline < _local_day(e.at) <= end
        assert all(e.at <= now for e in events)
        # Ids follow time, so the timeline reads the same however it is ordered.
        assert [e.pk for e in events] == sorted(e.pk for e in events)


def test_each_list_is_drawn_up_then_published_by_the_province(demo):
    for batch in ChallengeListBatch.objects.all():
        events = list(ChallengeEvent.objects.filter(batch=batch).order_by("at", "id"))
        kinds = [e.kind for e in events]
        size = batch.challenges.count()
        assert kinds == ["batch_created"] + ["challenge_added"] * size + ["batch_published"]
        assert {e.actor.username for e in events} == {"province"}
        published = events[-1]
        assert published.challenge_id is None and published.data == {"challenges": size}
        assert _local_day(published.at) == batch.published_on


def test_every_bid_has_one_submission_event(demo):
    bids = list(ChallengeBid.objects.all())
    assert bids
    submitted = ChallengeEvent.objects.filter(kind="bid_submitted")
    assert submitted.count() == len(bids)
    institution = User.objects.get(username="institution")
    for bid in bids:
        (e,) = submitted.filter(bid=bid)
        assert e.challenge_id == bid.challenge_id and e.at == bid.created_at
        # The solver's own login where the demo has one, else the province on its behalf.
        own = bid.solver_institution_id == institution.organization_id
        assert e.actor.username == ("institution" if own else "province")


def test_every_given_review_has_one_event_on_its_date(demo):
    given = list(BidReview.objects.filter(reviewed_on__isnull=False))
    assert given
    reviewed = ChallengeEvent.objects.filter(kind="bid_reviewed")
    assert reviewed.count() == len(given)
    per_bid = defaultdict(list)
    for e in reviewed:
        assert e.actor_id is None  # experts are not named on the issuer's timeline
        per_bid[e.bid_id].append(_local_day(e.at))
    for r in given:
        assert r.reviewed_on in per_bid[r.bid_id]
        per_bid[r.bid_id].remove(r.reviewed_on)
    assert not any(per_bid.values())


def test_assignments_cover_every_review(demo):
    """One assignment to a whole challenge, or one per bid, as the service writes them."""
    assigned = ChallengeEvent.objects.filter(kind="review_assigned")
    assert assigned.exists()
    assert {e.actor.username for e in assigned.select_related("actor")} == {"province"}
    total = sum(e.data["bids"] for e in assigned)
    assert total == BidReview.objects.count()
    for e in assigned:
        if e.bid_id is not None:
            assert e.data == {"bids": 1} and e.bid.challenge_id == e.challenge_id
        else:
            assert e.data["bids"] == e.challenge.bids.count()


def test_the_timeline_renders_on_the_challenge_page(demo, client: Client):
    challenge = Challenge.objects.filter(bids__reviews__reviewed_on__isnull=False).first()
    assert challenge is not None
    client.login(username="province", password=users.PASSWORD)
    page = client.get(reverse("market:challenge_detail", args=[challenge.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="events"' in html
    for e in ChallengeEvent.objects.filter(challenge=challenge):
        assert timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M") in html
        assert str(e.kind_label) in html
