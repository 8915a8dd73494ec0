"""The registry in the Django admin. Every save and delete is audited (see `AuditedAdmin`)."""

from __future__ import annotations

from django.contrib import admin

from kechuang.core.admin import AuditedAdmin
from kechuang.registry.models import (
    Award,
    Bank,
    BankBranch,
    DataConsent,
    Enterprise,
    EnterpriseYear,
    Incident,
    Institution,
    ListEntry,
    Person,
    Platform,
    PlatformInvestment,
    PlatformMember,
    ServiceInstitution,
    StandardLed,
)

ORGANIZATION_LIST = ("name", "uscc", "city", "region", "zone")
ORGANIZATION_SEARCH = ("name", "uscc")
ORGANIZATION_FKS = ("region", "city", "zone")


class EnterpriseYearInline(admin.StackedInline):
    model = EnterpriseYear
    extra = 0
    classes = ("collapse",)


class AwardInline(admin.TabularInline):
    model = Award
    extra = 0


class StandardLedInline(admin.TabularInline):
    model = StandardLed
    extra = 0


class ListEntryInline(admin.TabularInline):
    model = ListEntry
    extra = 0


class IncidentInline(admin.TabularInline):
    model = Incident
    extra = 0


class ConsentInline(admin.TabularInline):
    model = DataConsent
    extra = 0
    autocomplete_fields = ("bank",)


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = (*ORGANIZATION_LIST, "industry", "listing_status", "high_tech_valid_to")
    list_filter = (
        "city",
        "zone",
        "listing_status",
        "rd_institution_level",
        "is_software_enterprise",
    )
    search_fields = ORGANIZATION_SEARCH
    list_select_related = ("city", "region", "zone", "industry")
    autocomplete_fields = (*ORGANIZATION_FKS, "industry", "cluster")
    inlines = (
        EnterpriseYearInline,
        AwardInline,
        StandardLedInline,
        ListEntryInline,
        IncidentInline,
        ConsentInline,
    )


@admin.register(EnterpriseYear)
class EnterpriseYearAdmin(AuditedAdmin):
    list_display = ("enterprise", "year", "staff", "sales_revenue", "rd_expense")
    list_filter = ("year",)
    search_fields = ("enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)


class FactAdmin(AuditedAdmin):
    search_fields = ("enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)


@admin.register(Award)
class AwardAdmin(FactAdmin):
    list_display = ("enterprise", "name", "level", "year", "rank")
    list_filter = ("level", "year")


@admin.register(StandardLed)
class StandardLedAdmin(FactAdmin):
    list_display = ("enterprise", "code", "title", "level", "year")
    list_filter = ("level", "year")


@admin.register(ListEntry)
class ListEntryAdmin(FactAdmin):
    list_display = ("enterprise", "kind", "listed_on", "removed_on")
    list_filter = ("kind",)


@admin.register(Incident)
class IncidentAdmin(FactAdmin):
    list_display = ("enterprise", "kind", "occurred_on")
    list_filter = ("kind",)


@admin.register(Institution)
class InstitutionAdmin(AuditedAdmin):
    list_display = (*ORGANIZATION_LIST, "kind", "central_in_province")
    list_filter = ("city", "kind", "central_in_province")
    search_fields = ORGANIZATION_SEARCH
    list_select_related = ("city", "region", "zone")
    autocomplete_fields = ORGANIZATION_FKS


@admin.register(ServiceInstitution)
class ServiceInstitutionAdmin(AuditedAdmin):
    list_display = (*ORGANIZATION_LIST, "kind", "level", "recognized_on", "revoked_on")
    list_filter = ("city", "kind", "level")
    search_fields = ORGANIZATION_SEARCH
    list_select_related = ("city", "region", "zone")
    autocomplete_fields = ORGANIZATION_FKS


class BankBranchInline(admin.TabularInline):
    model = BankBranch
    extra = 0
    autocomplete_fields = ("city",)


@admin.register(Bank)
class BankAdmin(AuditedAdmin):
    list_display = (*ORGANIZATION_LIST, "short_name")
    list_filter = ("city",)
    search_fields = (*ORGANIZATION_SEARCH, "short_name")
    list_select_related = ("city", "region", "zone")
    autocomplete_fields = ORGANIZATION_FKS
    inlines = (BankBranchInline,)


@admin.register(BankBranch)
class BankBranchAdmin(AuditedAdmin):
    list_display = ("name", "bank", "city", "is_tech_branch", "opened_on")
    list_filter = ("city", "is_tech_branch")
    search_fields = ("name", "bank__name")
    list_select_related = ("bank", "city")
    autocomplete_fields = ("bank", "city")


@admin.register(DataConsent)
class DataConsentAdmin(AuditedAdmin):
    list_display = ("enterprise", "bank", "scope", "granted_on", "expires_on", "revoked_at")
    list_filter = ("scope", "bank")
    search_fields = ("enterprise__name", "enterprise__uscc", "bank__name")
    list_select_related = ("enterprise", "bank")
    autocomplete_fields = ("enterprise", "bank")


class PlatformMemberInline(admin.TabularInline):
    model = PlatformMember
    extra = 0
    autocomplete_fields = ("person",)


class PlatformInvestmentInline(admin.TabularInline):
    model = PlatformInvestment
    extra = 0


@admin.register(Platform)
class PlatformAdmin(AuditedAdmin):
    list_display = ("name", "kind", "level", "city", "status", "approved_on")
    list_filter = ("kind", "level", "status", "city")
    search_fields = ("name",)
    list_select_related = ("city",)
    autocomplete_fields = ("city", "host_institution", "host_enterprise", "parent", "co_builders")
    inlines = (PlatformMemberInline, PlatformInvestmentInline)


@admin.register(PlatformMember)
class PlatformMemberAdmin(AuditedAdmin):
    list_display = ("person", "platform", "role", "joined_on")
    search_fields = ("person__name", "platform__name")
    list_select_related = ("person", "platform")
    autocomplete_fields = ("person", "platform")


@admin.register(PlatformInvestment)
class PlatformInvestmentAdmin(AuditedAdmin):
    list_display = ("platform", "invested_on", "amount", "source")
    search_fields = ("platform__name", "source")
    list_select_related = ("platform",)
    autocomplete_fields = ("platform",)


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("name", "title", "institution", "field")
    list_filter = ("title", "field")
    search_fields = ("name",)
    list_select_related = ("institution", "field")
    autocomplete_fields = ("institution",)
