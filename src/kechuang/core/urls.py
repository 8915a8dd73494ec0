"""Pages of background jobs (`/jobs/`)."""

from django.urls import path

from kechuang.core import views_jobs

app_name = "core"
urlpatterns = [
    path("", views_jobs.job_list, name="job_list"),
    path("<int:pk>/", views_jobs.job_detail, name="job_detail"),
    path("<int:pk>/download/", views_jobs.job_download, name="job_download"),
    path("<int:pk>/retry/", views_jobs.job_retry, name="job_retry"),
    path("<int:pk>/cancel/", views_jobs.job_cancel, name="job_cancel"),
]
