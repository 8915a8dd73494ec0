"""The Django admin is for superusers only: its lists are province-wide, so a staff account of
a city or a zone would read beyond its scope there."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class KechuangAdminConfig(AdminConfig):
    default_site = "kechuang.core.admin_site.SuperuserAdminSite"
