"""The pages of the programs: each sub-domain's `urls.py`, under one `programs` namespace."""

from django.urls import include, path

app_name = "programs"
urlpatterns = [
    path("", include(f"kechuang.programs.{sub}.urls"))
    for sub in ("techsme", "notices", "gradient", "runs", "simulation", "consents")
]
