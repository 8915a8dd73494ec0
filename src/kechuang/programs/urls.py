from django.urls import include, path

from kechuang.programs.views import admissions, gradient, notices, techsme

app_name = "programs"
urlpatterns = [
    # tech-SME evaluation
    path("techsme/", techsme.application_list, name="techsme_list"),
    path("techsme/register", techsme.register, name="techsme_register"),
    path("techsme/assess", techsme.assess, name="techsme_assess"),
    path("techsme/assess/preview", techsme.preview, name="techsme_preview"),
    path("techsme/review/", techsme.review_queue, name="review_queue"),
    path("techsme/<int:pk>/", techsme.application_detail, name="techsme_detail"),
    path("techsme/<int:pk>/submit", techsme.submit, name="techsme_submit"),
    path("techsme/<int:pk>/review", techsme.review, name="techsme_review"),
    path("techsme/<int:pk>/admit", techsme.admit, name="techsme_admit"),
    path("techsme/<int:pk>/act/<str:action>", techsme.act_view, name="techsme_act"),
    path("techsme/admitted/", admissions.admitted_public, name="admitted_public"),
    # public notices and objections
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/new", notices.notice_create, name="notice_create"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/conclude", notices.notice_conclude, name="notice_conclude"),
    path("notices/entries/<int:pk>/object", notices.objection_create, name="objection_create"),
    path("objections/", notices.objection_list, name="objection_list"),
    path("objections/<int:pk>/resolve", notices.objection_resolve_view, name="objection_resolve"),
    path("objections/<int:pk>/act/<str:action>", notices.objection_act, name="objection_act"),
    # admissions
    path("admissions/", admissions.admission_list, name="admission_list"),
    path("admissions/reevaluate", admissions.reevaluate, name="admission_reevaluate"),
    path("admissions/<int:pk>/", admissions.admission_detail, name="admission_detail"),
    path("admissions/<int:pk>/revoke", admissions.revoke, name="admission_revoke"),
    path("admissions/<int:pk>/spot-check", admissions.spot_check, name="admission_spot_check"),
    path("revocations/", admissions.revocation_list, name="revocation_list"),
    # gradient programs
    path("gradient/", gradient.gradient_list, name="gradient_list"),
    path("gradient/apply", gradient.apply, name="gradient_apply"),
    path("gradient/recommendations/", gradient.recommendation_queue, name="recommendation_queue"),
    path("gradient/calls/", gradient.call_list, name="call_list"),
    path("gradient/calls/new", gradient.call_create, name="call_create"),
    path("gradient/certified/", gradient.certification_list, name="certification_list"),
    path("gradient/<int:pk>/", gradient.gradient_detail, name="gradient_detail"),
    path("gradient/<int:pk>/recommend", gradient.recommend, name="gradient_recommend"),
    path("gradient/<int:pk>/assign", gradient.assign, name="gradient_assign"),
    path("gradient/<int:pk>/score", gradient.score, name="gradient_score"),
    path("gradient/<int:pk>/act/<str:action>", gradient.act_view, name="gradient_act"),
    path("", include("kechuang.programs.urls_runs")),
]
