"""The market's pages (namespace `market`): each sub-domain contributes its `urls.py`."""

from django.urls import include, path

app_name = "market"
urlpatterns = [
    path("", include("kechuang.market.contracts.urls")),
    path("", include("kechuang.market.catalogue.urls")),
    path("", include("kechuang.market.matching.urls")),
    path("", include("kechuang.market.challenges.urls")),
    path("", include("kechuang.market.projects.urls")),
    path("", include("kechuang.market.activities.urls")),
]
