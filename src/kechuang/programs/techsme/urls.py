"""Tech-SME evaluation: registration, self-assessment, review, admissions, revocations.

Included by `programs/urls.py`, under the `programs` namespace.
"""

from django.urls import path

from kechuang.programs.techsme import views

urlpatterns = [
    path("techsme/", views.application_list, name="techsme_list"),
    path("techsme/register", views.register, name="techsme_register"),
    path("techsme/assess", views.assess, name="techsme_assess"),
    path("techsme/assess/preview", views.preview, name="techsme_preview"),
    path("techsme/review/", views.review_queue, name="review_queue"),
    path("techsme/review/bulk", views.review_bulk, name="review_bulk"),
    path("techsme/<int:pk>/", views.application_detail, name="techsme_detail"),
    path("techsme/<int:pk>/submit", views.submit, name="techsme_submit"),
    path("techsme/<int:pk>/review", views.review, name="techsme_review"),
    path("techsme/<int:pk>/admit", views.admit, name="techsme_admit"),
    path("techsme/<int:pk>/act/<str:action>", views.act_view, name="techsme_act"),
    path("techsme/admitted/", views.admitted_public, name="admitted_public"),
    path("admissions/", views.admission_list, name="admission_list"),
    path("admissions/reevaluate", views.reevaluate, name="admission_reevaluate"),
    path("admissions/<int:pk>/", views.admission_detail, name="admission_detail"),
    path("admissions/<int:pk>/revoke", views.revoke, name="admission_revoke"),
    path("admissions/<int:pk>/spot-check", views.spot_check, name="admission_spot_check"),
    path("revocations/", views.revocation_list, name="revocation_list"),
]
