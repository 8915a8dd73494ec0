from django.urls import include, path
from django.views.generic import RedirectView

from kechuang.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("registry/", include("kechuang.registry.urls")),
]
