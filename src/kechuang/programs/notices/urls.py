"""Public notices (公示) and objections.

Included by `programs/urls.py`, under the `programs` namespace.
"""

from django.urls import path

from kechuang.programs.notices import views

urlpatterns = [
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/conclude", views.notice_conclude, name="notice_conclude"),
    path("notices/entries/<int:pk>/object", views.objection_create, name="objection_create"),
    path("objections/", views.objection_list, name="objection_list"),
    path("objections/<int:pk>/resolve", views.objection_resolve_view, name="objection_resolve"),
    path("objections/<int:pk>/act/<str:action>", views.objection_act, name="objection_act"),
]
