"""Pages of the catalogue: achievements, transfers and technology demands."""

from django.urls import path

from kechuang.market.catalogue import views

urlpatterns = [
    path("achievements/", views.achievement_catalogue, name="achievement_list"),
    path("achievements/new", views.achievement_create, name="achievement_create"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement_detail"),
    path(
        "achievements/<int:pk>/publish",
        views.achievement_publish,
        name="achievement_publish",
    ),
    path(
        "achievements/<int:pk>/withdraw",
        views.achievement_withdraw,
        name="achievement_withdraw",
    ),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("achievements/<int:pk>/edit", views.achievement_edit, name="achievement_edit"),
    path("transfers/new", views.transfer_create, name="transfer_create"),
    path("transfers/<int:pk>/edit", views.transfer_edit, name="transfer_edit"),
    path("demands/", views.demand_list, name="demand_list"),
    path("demands/new", views.demand_create, name="demand_create"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/edit", views.demand_edit, name="demand_edit"),
    path("demands/<int:pk>/close", views.demand_close, name="demand_close"),
]
