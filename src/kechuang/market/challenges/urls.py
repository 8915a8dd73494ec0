"""Pages of challenge lists (揭榜挂帅): calls, demands, lists, challenges, bids and their
expert reviews."""

from django.urls import path

from kechuang.market.challenges.views import bids as b
from kechuang.market.challenges.views import edits as e
from kechuang.market.challenges.views import lists as c
from kechuang.market.challenges.views import reviews as r

urlpatterns = [
    path("challenge-calls/", c.challenge_call_list, name="challenge_call_list"),
    path("challenge-calls/new", c.call_create, name="call_create"),
    path("challenge-calls/<int:pk>/edit", e.call_edit, name="call_edit"),
    path("challenge-demands/", c.challenge_demand_list, name="challenge_demand_list"),
    path("challenge-demands/new", c.challenge_demand_create, name="challenge_demand_create"),
    path(
        "challenge-demands/<int:pk>/decline",
        c.challenge_demand_decline,
        name="challenge_demand_decline",
    ),
    path("challenge-demands/<int:pk>/edit", e.challenge_demand_edit, name="challenge_demand_edit"),
    path("challenge-lists/", c.batch_list, name="batch_list"),
    path("challenge-lists/new", c.batch_create, name="batch_create"),
    path("challenge-lists/<int:pk>/", c.batch_detail, name="batch_detail"),
    path("challenge-lists/<int:pk>/edit", e.batch_edit, name="batch_edit"),
    path("challenge-lists/<int:pk>/add", c.challenge_add, name="challenge_add"),
    path("challenge-lists/<int:pk>/publish", c.batch_publish, name="batch_publish"),
    path("challenges/", c.challenge_list, name="challenge_list"),
    path("challenges/<int:pk>/", c.challenge_detail, name="challenge_detail"),
    path("challenges/<int:pk>/edit", e.challenge_edit, name="challenge_edit"),
    path("challenges/<int:pk>/bid", b.bid_create, name="bid_create"),
    path("challenges/<int:pk>/select", b.bid_select, name="bid_select"),
    path("challenges/<int:pk>/agreement", c.agreement_record, name="agreement_record"),
    path("challenges/<int:pk>/unawarded", c.challenge_unawarded, name="challenge_unawarded"),
    path("challenges/<int:pk>/apply", c.challenge_apply, name="challenge_apply"),
    path("challenges/<int:pk>/reviewers", r.review_assign, name="review_assign"),
    path("challenges/<int:pk>/close-review", r.review_close, name="review_close"),
    path("bid-reviews/", r.review_list, name="bid_review_list"),
    path("bid-reviews/<int:pk>/", r.review_detail, name="bid_review_detail"),
    path("bids/", b.bid_list, name="bid_list"),
    path("bids/<int:pk>/withdraw", b.bid_withdraw, name="bid_withdraw"),
]
