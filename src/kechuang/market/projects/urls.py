"""Pages of provincial S&T plan projects."""

from django.urls import path

from kechuang.market.projects import views

urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/new", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/decide", views.project_decide, name="project_decide"),
    path("projects/<int:pk>/conclude", views.project_conclude, name="project_conclude"),
]
