from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from kechuang.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("kechuang.web.account.urls")),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("registry/", include("kechuang.registry.urls")),
    path("market/", include("kechuang.market.urls")),
    path("programs/", include("kechuang.programs.urls")),
    path("jobs/", include("kechuang.core.urls")),
]
