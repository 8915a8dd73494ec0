"""Pages of matching, included into the market's URLs (namespace `market`)."""

from django.urls import path

from kechuang.market.matching import views

urlpatterns = [
    path("demands/<int:pk>/matches", views.demand_matches, name="demand_matches"),
    path("achievements/<int:pk>/matches", views.achievement_matches, name="achievement_matches"),
]
