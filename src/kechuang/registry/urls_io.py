"""Import and export URLs of the registry; `registry/urls.py` appends these patterns."""

from django.urls import path

from kechuang.registry import views_io

urlpatterns = [
    path("enterprises/export/", views_io.export_view("enterprise"), name="enterprise_export"),
    path(
        "enterprises/years/export/",
        views_io.export_enterprise_years,
        name="enterprise_year_export",
    ),
    path("institutions/export/", views_io.export_view("institution"), name="institution_export"),
    path(
        "service-institutions/export/",
        views_io.export_view("service_institution"),
        name="service_institution_export",
    ),
    path("banks/export/", views_io.export_view("bank"), name="bank_export"),
    path("platforms/export/", views_io.export_view("platform"), name="platform_export"),
    path("import/", views_io.import_upload, name="import_upload"),
    path("import/template/", views_io.import_template, name="import_template"),
    path("import/<int:pk>/", views_io.import_job, name="import_job"),
]
