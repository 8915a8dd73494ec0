"""Policy simulation of edited rules, and their publication.

Included by `programs/urls.py`, under the `programs` namespace.
"""

from django.urls import path

from kechuang.programs.simulation import views

urlpatterns = [
    path("simulation/", views.sim_create, name="sim_create"),
    path("simulation/<int:pk>/", views.sim_detail, name="sim_detail"),
    path("simulation/<int:pk>/publish", views.sim_publish, name="sim_publish"),
]
