"""Gradient programs: calls, applications, recommendations, expert review, filing.

Included by `programs/urls.py`, under the `programs` namespace.
"""

from django.urls import path

from kechuang.programs.gradient import views

urlpatterns = [
    path("gradient/", views.gradient_list, name="gradient_list"),
    path("gradient/apply", views.apply, name="gradient_apply"),
    path("gradient/recommendations/", views.recommendation_queue, name="recommendation_queue"),
    path(
        "gradient/recommendations/bulk",
        views.recommendation_bulk,
        name="recommendation_bulk",
    ),
    path("gradient/calls/", views.gradient_call_list, name="gradient_call_list"),
    path("gradient/calls/new", views.call_create, name="call_create"),
    path("gradient/certified/", views.certification_list, name="certification_list"),
    path("gradient/<int:pk>/", views.gradient_detail, name="gradient_detail"),
    path("gradient/<int:pk>/recommend", views.recommend, name="gradient_recommend"),
    path("gradient/<int:pk>/assign", views.assign, name="gradient_assign"),
    path("gradient/<int:pk>/score", views.score, name="gradient_score"),
    path("gradient/<int:pk>/act/<str:action>", views.act_view, name="gradient_act"),
]
