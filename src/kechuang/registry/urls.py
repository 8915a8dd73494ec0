from django.urls import path

from kechuang.registry import urls_io, views
from kechuang.registry.kinds import KINDS

app_name = "registry"

# (URL name prefix, path segment) of the kinds that have the four standard pages.
_PAGES = [
    ("enterprise", "enterprises"),
    ("institution", "institutions"),
    ("service_institution", "service-institutions"),
    ("bank", "banks"),
    ("platform", "platforms"),
]

urlpatterns: list = []
for _key, _segment in _PAGES:
    _kind = {"kind": KINDS[_key]}
    urlpatterns += [
        path(f"{_segment}/", views.object_list, _kind, name=f"{_key}_list"),
        path(f"{_segment}/new/", views.object_create, _kind, name=f"{_key}_create"),
        path(f"{_segment}/<int:pk>/", views.object_detail, _kind, name=f"{_key}_detail"),
        path(f"{_segment}/<int:pk>/edit/", views.object_edit, _kind, name=f"{_key}_edit"),
    ]

urlpatterns += [
    path("people/", views.object_list, {"kind": KINDS["person"]}, name="person_list"),
    path(
        "people/<int:pk>/",
        views.object_detail,
        {"kind": KINDS["person"]},
        name="person_detail",
    ),
    path(
        "enterprises/<int:pk>/years/<int:year>/edit/",
        views.enterprise_year_edit,
        name="enterprise_year_edit",
    ),
    path("enterprises/<int:pk>/years/new/", views.enterprise_year_new, name="enterprise_year_new"),
]

urlpatterns += urls_io.urlpatterns
