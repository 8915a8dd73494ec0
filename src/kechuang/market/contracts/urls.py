"""Pages of technology contracts: registration, review, certificates, statistics, export and
import."""

from django.urls import path

from kechuang.market.contracts import views

urlpatterns = [
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/new", views.contract_submit, name="contract_submit"),
    path("contracts/stats", views.contract_stats, name="contract_stats"),
    path("contracts/export", views.contract_export, name="contract_export"),
    path("contracts/import", views.contract_import, name="contract_import"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path(
        "contracts/<int:pk>/certificate",
        views.contract_certificate,
        name="contract_certificate",
    ),
    path("contracts/<int:pk>/accept", views.contract_accept, name="contract_accept"),
    path("contracts/<int:pk>/decide", views.contract_decide, name="contract_decide"),
    path("contracts/<int:pk>/cancel", views.contract_cancel, name="contract_cancel"),
]
