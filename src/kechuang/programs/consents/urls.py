"""Consents of enterprises to banks, and the innovation points banks read through them.

Included by `programs/urls.py`, under the `programs` namespace.
"""

from django.urls import path

from kechuang.programs.consents import views

urlpatterns = [
    path("bank/innovation-points", views.bank_points, name="bank_points"),
    path("consents/", views.consents, name="consents"),
    path("consents/<int:pk>/revoke", views.consent_revoke, name="consent_revoke"),
    path("consents/reads", views.bank_reads, name="consent_reads"),
]
