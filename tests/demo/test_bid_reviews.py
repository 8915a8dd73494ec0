"""The demo's bids on its challenges and the experts' reviews of them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kechuang.core.models import User
from kechuang.core.roles import Role
from kechuang.demo import users
from kechuang.market.challenges import selectors as challenge_selectors
from kechuang.market.models import BidReview, Challenge, ChallengeBid

pytestmark = pytest.mark.django_db


def test_experts_review_the_bids_of_challenges_whose_bidding_has_closed(demo, targets):
    end = targets.period.end
    closed = Challenge.objects.filter(deadline__lt=end)
    assert closed.exists() and Challenge.objects.filter(deadline__gte=end).exists()
    assert ChallengeBid.objects.exists()
    assert not ChallengeBid.objects.exclude(status=ChallengeBid.Status.SUBMITTED).exists()
    rows = list(BidReview.objects.select_related("bid", "challenge", "expert", "assigned_by"))
    experts = {u.pk for u in User.objects.filter(username__in=users.USERNAMES, role=Role.EXPERT)}
    assert len(experts) >= 3
    assert {r.expert_id for r in rows} == experts
    given = [r for r in rows if r.reviewed_on is not None]
    # Most reviews are in, a few are still outstanding.
    assert len(rows) * 0.6 < len(given) < len(rows)
    for r in rows:
        assert r.expert_id in experts and r.assigned_by.username == "province"
        assert r.bid.challenge_id == r.challenge_id
        assert r.challenge.deadline < end and r.challenge.status == Challenge.Status.OPEN
        if r.reviewed_on is None:
            assert (r.score, r.opinion) == (None, "")
        else:
            assert 0 <= r.score <= 100 and r.opinion
            assert r.challenge.deadline < r.reviewed_on <= end
        r.full_clean()
    # Every live bid of a closed challenge is reviewed, by two or three experts.
    for bid in ChallengeBid.objects.filter(challenge__in=closed):
        assert bid.reviews.count() in (2, 3)
    assert not BidReview.objects.filter(challenge__deadline__gte=end).exists()


def test_the_review_pages_show_the_demo_reviews(demo, client: Client):
    review = BidReview.objects.filter(reviewed_on__isnull=False).order_by("id").first()
    client.login(username="province", password=users.PASSWORD)
    page = client.get(reverse("market:challenge_detail", args=[review.challenge_id]))
    assert review.opinion in page.content.decode()
    summary = challenge_selectors.review_summary(
        user=review.assigned_by, challenge=review.challenge
    )
    assert summary[review.bid_id].reviewed >= 1
    client.login(username=review.expert.username, password=users.PASSWORD)
    listing = client.get(reverse("market:bid_review_list")).content.decode()
    first = challenge_selectors.review_list(user=review.expert).first()  # the page is paged
    assert first.bid.solver_name in listing
    detail = client.get(reverse("market:bid_review_detail", args=[review.pk])).content.decode()
    assert review.bid.proposal in detail
