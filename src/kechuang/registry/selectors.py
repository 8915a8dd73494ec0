"""Reads from the registry, always restricted to what the acting user may see."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet

from kechuang.core import scoping
from kechuang.core.audit import history
from kechuang.core.models import AuditEntry
from kechuang.registry.models import (
    Award,
    Bank,
    BankBranch,
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


def enterprise_list(*, user: Any) -> QuerySet[Enterprise]:
    return scoping.visible(
        Enterprise.objects.select_related("city", "region", "industry", "zone"), user
    )


def enterprise_get(*, user: Any, pk: int) -> Enterprise:
    """Raises Enterprise.DoesNotExist when it is not there or not visible."""
    return enterprise_list(user=user).get(pk=pk)


def enterprise_years(*, user: Any, enterprise: Enterprise) -> QuerySet[EnterpriseYear]:
    return scoping.visible(EnterpriseYear.objects.filter(enterprise=enterprise), user)


def institution_list(*, user: Any) -> QuerySet[Institution]:
    return scoping.visible(Institution.objects.select_related("city", "region"), user)


def service_institution_list(*, user: Any) -> QuerySet[ServiceInstitution]:
    return scoping.visible(ServiceInstitution.objects.select_related("city", "region"), user)


def bank_list(*, user: Any) -> QuerySet[Bank]:
    return scoping.visible(
        Bank.objects.select_related("city").annotate(branch_count=Count("branches")), user
    )


def platform_list(*, user: Any) -> QuerySet[Platform]:
    return scoping.visible(
        Platform.objects.select_related("city", "host_institution", "host_enterprise"), user
    )


def person_list(*, user: Any) -> QuerySet[Person]:
    return scoping.visible(Person.objects.select_related("institution"), user)


def object_history(*, user: Any, obj: Any) -> QuerySet[AuditEntry]:
    """The audit history of `obj`, for those who may see the object."""
    if not scoping.may_read_history(user) or not scoping.can_view(user, obj):
        return AuditEntry.objects.none()
    return history(obj)


def counts_by_city(*, user: Any) -> list[dict[str, Any]]:
    return list(
        enterprise_list(user=user)
        .values("city_id", "city__name")
        .annotate(n=Count("id"))
        .order_by("city_id")
    )


def counts_by_industry_section(*, user: Any) -> list[dict[str, Any]]:
    return list(
        enterprise_list(user=user)
        .values("industry__parent_id", "industry__parent__name")
        .annotate(n=Count("id"))
        .order_by("industry__parent_id")
    )


def registry_counts(*, user: Any) -> dict[str, int]:
    """How many records of each kind `user` may see (the home page's figures)."""
    return {
        "enterprises": enterprise_list(user=user).count(),
        "institutions": institution_list(user=user).count(),
        "service_institutions": service_institution_list(user=user).count(),
        "banks": scoping.visible(Bank.objects.all(), user).count(),
        "platforms": platform_list(user=user).count(),
    }


def enterprise_facts(*, user: Any, enterprise: Enterprise) -> dict[str, QuerySet[Any]]:
    """Awards, led standards, list entries and incidents of an enterprise, as `user` sees them."""
    return {
        "awards": scoping.visible(Award.objects.filter(enterprise=enterprise), user),
        "standards": scoping.visible(StandardLed.objects.filter(enterprise=enterprise), user),
        "list_entries": scoping.visible(ListEntry.objects.filter(enterprise=enterprise), user),
        "incidents": scoping.visible(Incident.objects.filter(enterprise=enterprise), user),
    }


def bank_branches(*, user: Any, bank: Bank) -> QuerySet[BankBranch]:
    return scoping.visible(BankBranch.objects.filter(bank=bank).select_related("city"), user)


def platform_members(*, user: Any, platform: Platform) -> QuerySet[PlatformMember]:
    return scoping.visible(
        PlatformMember.objects.filter(platform=platform).select_related("person__institution"),
        user,
    )


def platform_investments(*, user: Any, platform: Platform) -> QuerySet[PlatformInvestment]:
    return scoping.visible(PlatformInvestment.objects.filter(platform=platform), user)


def person_memberships(*, user: Any, person: Person) -> QuerySet[PlatformMember]:
    return scoping.visible(
        PlatformMember.objects.filter(person=person).select_related("platform"), user
    )


def enterprise_year_history(*, user: Any, enterprise: Enterprise) -> QuerySet[AuditEntry]:
    """The audit entries of all the yearly records of `enterprise` that `user` may see."""
    if not scoping.may_read_history(user):
        return AuditEntry.objects.none()
    ids = [
        str(pk)
        for pk in enterprise_years(user=user, enterprise=enterprise).values_list("pk", flat=True)
    ]
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(EnterpriseYear), object_id__in=ids
    ).select_related("actor")


def platform_counts_by_kind(*, user: Any) -> list[dict[str, Any]]:
    return list(platform_list(user=user).values("kind").annotate(n=Count("id")).order_by("kind"))
