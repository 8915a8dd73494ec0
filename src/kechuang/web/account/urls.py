from django.urls import path

from kechuang.web.account import keys, views

app_name = "account"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("password/", views.password_change, name="password_change"),
    path("two-factor/setup/", views.otp_setup, name="otp_setup"),
    path("two-factor/verify/", views.otp_verify, name="otp_verify"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("keys/", keys.key_list, name="keys"),
    path("keys/<int:pk>/revoke", keys.key_revoke, name="key_revoke"),
]
