"""Expert review of challenge bids: assignment, scoring, what each role sees, the selection gate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kechuang.core.models import AuditEntry
from kechuang.market.challenges import selectors, services
from kechuang.market.models import BidReview, Challenge, ChallengeBid, ChallengeEvent
from tests.factories import (
    ChallengeBidFactory,
    ChallengeFactory,
    ChallengeListBatchFactory,
    EnterpriseFactory,
    InstitutionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
DURING, AFTER = dt.date(2023, 5, 1), dt.date(2023, 6, 5)  # around the factory deadline


@pytest.fixture
def challenge(enterprise):
    return ChallengeFactory(issuer=enterprise)


@pytest.fixture
def bids(challenge):
    return [
        ChallengeBidFactory(challenge=challenge, solver_institution=InstitutionFactory())
        for _ in range(2)
    ]


@pytest.fixture
def experts(db):
    return [
        UserFactory(username=f"expert{i}", role="expert", display_name=f"评审专家{i}")
        for i in range(2)
    ]


class Refusal:
    def __init__(self, err: ValidationError):
        self.err = err
        errors = (
            [e for es in err.error_dict.values() for e in es]
            if hasattr(err, "error_dict")
            else err.error_list
        )
        self.code = errors[0].code
        self.params = errors[0].params
        self.fields = set(getattr(err, "error_dict", {}))


def refused(action) -> Refusal:
    with pytest.raises(ValidationError) as exc:
        action()
    return Refusal(exc.value)


def audited(obj) -> list[str]:
    ct = ContentType.objects.get_for_model(type(obj))
    return list(
        AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_review_runs_and_gates_the_selection(
    challenge, bids, experts, province_admin, enterprise_user
):
    first, second = experts
    assert (
        refused(
            lambda: services.review_assign(
                actor=province_admin, challenge=challenge, expert=first, on=DURING
            )
        ).code
        == "too_early"
    )
    made = services.review_assign(actor=province_admin, challenge=challenge, expert=first, on=AFTER)
    assert [r.bid for r in made] == bids
    [one] = services.review_assign(
        actor=province_admin, challenge=challenge, expert=second, bid=bids[0], on=AFTER
    )
    assert audited(one) == ["create"]
    again = lambda: services.review_assign(  # noqa: E731
        actor=province_admin, challenge=challenge, expert=first, on=AFTER
    )
    assert refused(again).code == "assigned"

    # Three reviews outstanding: neither the issuer nor the province may select yet.
    for who in (enterprise_user, province_admin):
        err = refused(lambda w=who: services.bid_select(actor=w, bid=bids[0], on=AFTER))
        assert err.code == "reviews_pending"
        assert err.params == {"n": 3}

    def score(expert, bid, points):
        review = BidReview.objects.get(expert=expert, bid=bid)
        return services.review_submit(
            actor=expert, review=review, score=points, opinion="工艺路线可行", on=AFTER
        )

    score(first, bids[0], 90)
    score(first, bids[1], 70)
    reviewed = score(second, bids[0], 85)
    assert audited(reviewed) == ["create", "update"]
    assert refused(lambda: score(second, bids[0], 10)).code == "bad_status"  # already reviewed

    summary = selectors.review_summary(user=enterprise_user, challenge=challenge)
    assert (summary[bids[0].pk].average, summary[bids[0].pk].reviewed) == (87.5, 2)
    assert (summary[bids[1].pk].average, summary[bids[1].pk].assigned) == (70, 1)
    # The issuer reads the opinions without the experts' names; the province with them.
    assert {who for who, _s, _t in summary[bids[0].pk].opinions} == {""}
    named = selectors.review_summary(user=province_admin, challenge=challenge)
    assert {who for who, _s, _t in named[bids[0].pk].opinions} == {"评审专家0", "评审专家1"}

    services.bid_select(actor=enterprise_user, bid=bids[0], on=AFTER)
    assert Challenge.objects.get(pk=challenge.pk).status == Challenge.Status.SELECTED
    assert list(
        ChallengeEvent.objects.filter(challenge=challenge).values_list("kind", flat=True)
    ) == ["review_assigned", "review_assigned"] + ["bid_reviewed"] * 3 + ["bid_selected"]
    # Experts are not named on the timeline the issuer reads.
    assert not ChallengeEvent.objects.filter(kind="bid_reviewed", actor__isnull=False).exists()


def test_the_province_may_end_an_unfinished_review(
    challenge, bids, experts, province_admin, enterprise_user
):
    services.review_assign(actor=province_admin, challenge=challenge, expert=experts[0], on=AFTER)
    close = lambda who, reason="专家因病无法完成评审": services.review_close(  # noqa: E731
        actor=who, challenge=challenge, reason=reason, on=AFTER
    )
    with pytest.raises(PermissionDenied):
        close(enterprise_user)
    assert refused(lambda: close(province_admin, " ")).fields == {"reason"}
    close(province_admin)
    challenge.refresh_from_db()
    assert challenge.review_closed_on == AFTER
    assert audited(challenge)[-1] == "update"
    event = ChallengeEvent.objects.get(kind="review_closed")
    assert (event.data, event.actor) == ({"pending": 2}, province_admin)
    # A late review is refused, and no more experts are assigned.
    review = BidReview.objects.filter(expert=experts[0]).first()
    late = lambda: services.review_submit(  # noqa: E731
        actor=experts[0], review=review, score=60, opinion="迟交", on=AFTER
    )
    assert refused(late).code == "review_closed"
    services.bid_select(actor=enterprise_user, bid=bids[1], on=AFTER)
    assert ChallengeBid.objects.get(pk=bids[1].pk).status == ChallengeBid.Status.SELECTED


def test_a_withdrawn_bid_does_not_hold_up_the_selection(
    challenge, bids, experts, province_admin, enterprise_user
):
    services.review_assign(
        actor=province_admin, challenge=challenge, expert=experts[0], bid=bids[0], on=AFTER
    )
    bids[0].status = ChallengeBid.Status.WITHDRAWN
    bids[0].save()
    services.bid_select(actor=enterprise_user, bid=bids[1], on=AFTER)


def test_who_may_assign_and_review(challenge, bids, experts, province_admin, city_admin):
    issuer_user = UserFactory(role="enterprise", organization_id=challenge.issuer_id)
    solver = UserFactory(role="institution", organization_id=bids[0].solver_institution_id)
    for who in (city_admin, issuer_user, solver, experts[0]):
        with pytest.raises(PermissionDenied):
            services.review_assign(actor=who, challenge=challenge, expert=experts[0], on=AFTER)
    not_expert = lambda: services.review_assign(  # noqa: E731
        actor=province_admin, challenge=challenge, expert=city_admin, on=AFTER
    )
    assert refused(not_expert).code == "not_expert"
    other_bid = ChallengeBidFactory(challenge=ChallengeFactory())
    wrong = lambda: services.review_assign(  # noqa: E731
        actor=province_admin, challenge=challenge, expert=experts[0], bid=other_bid, on=AFTER
    )
    assert refused(wrong).code == "bad_bid"

    [review] = services.review_assign(
        actor=province_admin, challenge=challenge, expert=experts[0], bid=bids[0], on=AFTER
    )
    for who in (experts[1], province_admin, issuer_user):
        with pytest.raises(PermissionDenied):
            services.review_submit(actor=who, review=review, score=50, opinion="x", on=AFTER)
    out_of_range = lambda: services.review_submit(  # noqa: E731
        actor=experts[0], review=review, score=101, opinion="x", on=AFTER
    )
    assert "score" in refused(out_of_range).fields
    # An expert sees only the bids assigned to it; others see no review rows.
    assert list(selectors.review_list(user=experts[0])) == [review]
    assert not selectors.review_list(user=experts[1]).exists()
    for who in (city_admin, issuer_user, solver):
        assert not selectors.review_list(user=who).exists()
    assert selectors.review_summary(user=issuer_user, challenge=challenge)[bids[0].pk].assigned == 1
    assert selectors.review_summary(user=solver, challenge=challenge) == {}
    assert selectors.review_summary(user=city_admin, challenge=challenge) == {}


def test_the_pages_of_the_review(client, challenge, bids, experts, province_admin, enterprise_user):
    detail = reverse("market:challenge_detail", args=[challenge.pk])
    client.force_login(province_admin)
    page = client.get(detail).content.decode()
    assert 'id="assign-form"' in page and "评审专家0" in page
    response = client.post(
        reverse("market:review_assign", args=[challenge.pk]), {"expert": experts[0].pk}
    )
    assert response.status_code == 302
    assert BidReview.objects.filter(expert=experts[0]).count() == 2

    client.force_login(enterprise_user)
    page = client.get(detail).content.decode()
    assert "尚有 2 份评审意见未提交" in page
    assert reverse("market:bid_select", args=[challenge.pk]) not in page
    client.post(reverse("market:bid_select", args=[challenge.pk]), {"bid": bids[0].pk})
    assert Challenge.objects.get(pk=challenge.pk).status == Challenge.Status.OPEN

    client.force_login(experts[0])
    index = client.get(reverse("market:index")).content.decode()
    assert reverse("market:bid_review_list") in index
    listing = client.get(reverse("market:bid_review_list")).content.decode()
    assert bids[0].solver_name in listing and bids[1].solver_name in listing
    for b, points in zip(bids, (88, 64), strict=True):
        review = BidReview.objects.get(bid=b, expert=experts[0])
        url = reverse("market:bid_review_detail", args=[review.pk])
        assert b.proposal in client.get(url).content.decode()
        bad = client.post(url, {"score": 120, "opinion": "好"})
        assert bad.status_code == 200
        ok = client.post(url, {"score": points, "opinion": "指标先进,团队可靠"})
        assert ok.status_code == 302
    assert client.get(detail).status_code == 200
    client.force_login(experts[1])
    review = BidReview.objects.filter(expert=experts[0]).first()
    assert client.get(reverse("market:bid_review_detail", args=[review.pk])).status_code == 404

    client.force_login(enterprise_user)
    page = client.get(detail).content.decode()
    assert "88" in page and "1/1" in page and "评审专家0" not in page
    assert reverse("market:bid_select", args=[challenge.pk]) in page
    client.post(reverse("market:bid_select", args=[challenge.pk]), {"bid": bids[0].pk})
    assert Challenge.objects.get(pk=challenge.pk).status == Challenge.Status.SELECTED


def test_a_solver_does_not_see_the_scores(client, challenge, bids, experts, province_admin):
    services.review_assign(actor=province_admin, challenge=challenge, expert=experts[0], on=AFTER)
    review = BidReview.objects.get(expert=experts[0], bid=bids[0])
    services.review_submit(actor=experts[0], review=review, score=77, opinion="可行", on=AFTER)
    solver = UserFactory(role="institution", organization_id=bids[0].solver_institution_id)
    client.force_login(solver)
    page = client.get(reverse("market:challenge_detail", args=[challenge.pk])).content.decode()
    assert 'id="reviews"' not in page and "专家平均分" not in page
    other = UserFactory(role="enterprise", organization_id=EnterpriseFactory().pk)
    assert selectors.review_summary(user=other, challenge=challenge) == {}


def test_an_expert_reviews_through_the_api(client, challenge, bids, experts, province_admin):
    services.review_assign(actor=province_admin, challenge=challenge, expert=experts[0], on=AFTER)
    client.force_login(experts[0])
    listing = client.get("/api/v1/market/bid-reviews").json()
    assert listing["count"] == 2
    first = listing["items"][0]
    assert (first["bid_id"], first["proposal"], first["score"]) == (
        bids[0].pk,
        bids[0].proposal,
        None,
    )
    url = f"/api/v1/market/bid-reviews/{first['id']}"
    post = lambda body: client.post(url, body, content_type="application/json")  # noqa: E731
    assert post({"score": 101, "opinion": "好"}).status_code == 422
    done = post({"score": 92, "opinion": "方案成熟"})
    assert done.status_code == 200 and done.json()["score"] == 92
    assert post({"score": 50, "opinion": "再评"}).status_code == 422
    review = BidReview.objects.get(pk=first["id"])
    assert audited(review) == ["create", "update"]
    assert audit_source(review) == "api"
    client.force_login(experts[1])
    assert client.get("/api/v1/market/bid-reviews").json()["count"] == 0
    assert post({"score": 10, "opinion": "x"}).status_code == 404


def audit_source(obj) -> str:
    ct = ContentType.objects.get_for_model(type(obj))
    return AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).latest("id").source


def test_the_province_assigns_and_ends_the_review_through_the_api(
    client, challenge, bids, experts, province_admin, enterprise_user, city_admin
):
    assign_url = f"/api/v1/market/challenges/{challenge.pk}/reviews"
    close_url = f"/api/v1/market/challenges/{challenge.pk}/review-close"
    post = lambda url, body: client.post(url, body, content_type="application/json")  # noqa: E731

    # Who may read the challenge but not assign is refused; a hidden challenge is not found.
    draft = ChallengeListBatchFactory(status="draft", published_on=None)
    hidden = ChallengeFactory(status="draft", batch=draft)
    for who in (enterprise_user, experts[0]):
        client.force_login(who)
        assert post(assign_url, {"expert_id": experts[0].pk}).status_code == 403
        assert post(close_url, {"reason": "无法完成"}).status_code == 403
        missing = f"/api/v1/market/challenges/{hidden.pk}/reviews"
        assert post(missing, {"expert_id": experts[0].pk}).status_code == 404
    assert not BidReview.objects.exists()

    client.force_login(province_admin)
    # Bad input: a user who is not an expert, a bid of another challenge, a missing field.
    wrong = post(assign_url, {"expert_id": city_admin.pk})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "payload", "expert_id"]
    other_bid = ChallengeBidFactory(challenge=ChallengeFactory())
    wrong = post(assign_url, {"expert_id": experts[0].pk, "bid_id": other_bid.pk})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "payload", "bid_id"]
    assert post(assign_url, {}).status_code == 422
    # Nothing to end before experts are assigned.
    none_yet = post(close_url, {"reason": "无法完成"})
    assert none_yet.status_code == 422 and none_yet.json()["detail"][0]["type"] == "no_review"

    made = post(assign_url, {"expert_id": experts[0].pk})
    assert made.status_code == 200
    assert sorted(r["bid_id"] for r in made.json()) == sorted(b.pk for b in bids)
    one = post(assign_url, {"expert_id": experts[1].pk, "bid_id": bids[1].pk})
    assert [r["bid_id"] for r in one.json()] == [bids[1].pk]
    again = post(assign_url, {"expert_id": experts[0].pk})
    assert again.status_code == 422 and again.json()["detail"][0]["type"] == "assigned"
    review = BidReview.objects.get(expert=experts[1])
    assert audited(review) == ["create"] and audit_source(review) == "api"

    blank = post(close_url, {"reason": "  "})
    assert blank.status_code == 422
    assert blank.json()["detail"][0]["loc"] == ["body", "payload", "reason"]
    closed = post(close_url, {"reason": "专家因故无法完成评审"})
    assert closed.status_code == 200
    assert closed.json()["pending"] == 3
    challenge.refresh_from_db()
    assert challenge.review_closed_on is not None
    assert audit_source(challenge) == "api"
    event = ChallengeEvent.objects.get(kind="review_closed")
    assert (event.reason, event.actor) == ("专家因故无法完成评审", province_admin)
    late = post(close_url, {"reason": "再次结束"})
    assert late.status_code == 422 and late.json()["detail"][0]["type"] == "review_closed"
    late = post(assign_url, {"expert_id": experts[1].pk})
    assert late.status_code == 422


def test_a_review_is_given_through_its_workflow(challenge, bids, experts, province_admin):
    [review] = services.review_assign(
        actor=province_admin, challenge=challenge, expert=experts[0], bid=bids[0], on=AFTER
    )
    assert review.status == BidReview.Status.ASSIGNED
    bids[0].status = ChallengeBid.Status.WITHDRAWN
    bids[0].save()
    gone = lambda: services.review_submit(  # noqa: E731
        actor=experts[0], review=review, score=80, opinion="可行", on=AFTER
    )
    assert refused(gone).code == "bad_status"
    review.refresh_from_db()
    assert (review.status, review.score, review.reviewed_on) == ("assigned", None, None)
    assert not ChallengeEvent.objects.filter(kind="bid_reviewed").exists()
    assert audited(review) == ["create"]

    [live] = services.review_assign(
        actor=province_admin, challenge=challenge, expert=experts[0], bid=bids[1], on=AFTER
    )
    done = services.review_submit(actor=experts[0], review=live, score=80, opinion="可行", on=AFTER)
    assert (done.status, done.reviewed_on) == (BidReview.Status.REVIEWED, AFTER)
    assert audited(live) == ["create", "update"]
    event = ChallengeEvent.objects.get(kind="bid_reviewed")
    assert (event.actor, event.bid_id) == (None, bids[1].pk)
