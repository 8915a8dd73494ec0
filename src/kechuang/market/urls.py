from django.urls import include, path

from kechuang.market.views import catalogue, contracts, edits, stats

app_name = "market"
urlpatterns = [
    path("contracts/", contracts.contract_list, name="contract_list"),
    path("contracts/new", contracts.contract_submit, name="contract_submit"),
    path("contracts/stats", stats.contract_stats, name="contract_stats"),
    path("contracts/export", stats.contract_export, name="contract_export"),
    path("contracts/import", stats.contract_import, name="contract_import"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path(
        "contracts/<int:pk>/certificate",
        contracts.contract_certificate,
        name="contract_certificate",
    ),
    path("contracts/<int:pk>/accept", contracts.contract_accept, name="contract_accept"),
    path("contracts/<int:pk>/decide", contracts.contract_decide, name="contract_decide"),
    path("contracts/<int:pk>/cancel", contracts.contract_cancel, name="contract_cancel"),
    path("achievements/", catalogue.achievement_catalogue, name="achievement_list"),
    path("achievements/new", catalogue.achievement_create, name="achievement_create"),
    path("achievements/<int:pk>/", catalogue.achievement_detail, name="achievement_detail"),
    path(
        "achievements/<int:pk>/publish",
        catalogue.achievement_publish,
        name="achievement_publish",
    ),
    path("transfers/", catalogue.transfer_list, name="transfer_list"),
    path("achievements/<int:pk>/edit", edits.achievement_edit, name="achievement_edit"),
    path("transfers/new", catalogue.transfer_create, name="transfer_create"),
    path("transfers/<int:pk>/edit", edits.transfer_edit, name="transfer_edit"),
    path("demands/", catalogue.demand_list, name="demand_list"),
    path("demands/new", catalogue.demand_create, name="demand_create"),
    path("demands/<int:pk>/", catalogue.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/edit", edits.demand_edit, name="demand_edit"),
    path("", include("kechuang.market.urls_matching")),
    path("", include("kechuang.market.urls_challenges")),
    path("", include("kechuang.market.urls_activities")),
]
