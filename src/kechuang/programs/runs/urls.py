"""Batch evaluation runs, their results and exports, and an enterprise's own results.

Included by `programs/urls.py`, under the `programs` namespace.
"""

from django.urls import path

from kechuang.programs.runs import views

urlpatterns = [
    path("runs/", views.run_list, name="run_list"),
    path("runs/new", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/export", views.run_export, name="run_export"),
    path("results/mine", views.my_results, name="my_results"),
]
