"""The technology market in the Django admin: the affiliations that bar a solver from a
challenge are kept here by the province's staff. Every save and delete is audited."""

from __future__ import annotations

from django.contrib import admin

from kechuang.core.admin import AuditedAdmin
from kechuang.market.challenges.models import Affiliation


@admin.register(Affiliation)
class AffiliationAdmin(AuditedAdmin):
    list_display = ("first_name", "second_name", "kind", "first_uscc", "second_uscc", "note")
    list_filter = ("kind",)
    search_fields = ("first_name", "second_name", "first_uscc", "second_uscc")
