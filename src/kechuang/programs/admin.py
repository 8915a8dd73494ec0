"""The programs in the Django admin: the province's staff record which high-tech zones pilot
innovation points (runs over the pilot zones read them). Every save and delete is audited."""

from __future__ import annotations

from django.contrib import admin

from kechuang.core.admin import AuditedAdmin
from kechuang.programs.points.models import PointsPilotZone


@admin.register(PointsPilotZone)
class PointsPilotZoneAdmin(AuditedAdmin):
    list_display = ("zone", "since")
    list_select_related = ("zone",)
    search_fields = ("zone__name",)
    date_hierarchy = "since"
