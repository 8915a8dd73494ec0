"""Batch runs, results, policy simulation, innovation points for banks, consents.

Included by `programs/urls.py`, under the `programs` namespace.
"""

from django.urls import path

from kechuang.programs import views_bank, views_runs, views_sim

urlpatterns = [
    path("runs/", views_runs.run_list, name="run_list"),
    path("runs/new", views_runs.run_create, name="run_create"),
    path("runs/<int:pk>/", views_runs.run_detail, name="run_detail"),
    path("runs/<int:pk>/export", views_runs.run_export, name="run_export"),
    path("results/mine", views_runs.my_results, name="my_results"),
    path("simulation/", views_sim.sim_create, name="sim_create"),
    path("simulation/<int:pk>/", views_sim.sim_detail, name="sim_detail"),
    path("simulation/<int:pk>/publish", views_sim.sim_publish, name="sim_publish"),
    path("bank/innovation-points", views_bank.bank_points, name="bank_points"),
    path("consents/", views_bank.consents, name="consents"),
    path("consents/<int:pk>/revoke", views_bank.consent_revoke, name="consent_revoke"),
]
