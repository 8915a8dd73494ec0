"""FilterSets of the tech-SME lists: the pages and the API filter alike."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Region
from kechuang.programs.techsme.models import Admission, TechSMEApplication


def _cities() -> QuerySet[Region]:
    return Region.objects.filter(level__in=["city", "reporting_unit"])


def _search(queryset: QuerySet, value: str, *lookups: str) -> QuerySet:
    value = value.strip()
    if not value:
        return queryset
    q = Q()
    for lookup in lookups:
        q |= Q(**{lookup: value})
    return queryset.filter(q)


class ApplicationFilter(df.FilterSet):
    q = df.CharFilter(label=_("企业名称"), method="search")
    year = df.NumberFilter(label=_("评价年度"))
    status = df.ChoiceFilter(label=_("状态"), choices=TechSMEApplication.Status.choices)
    city = df.ModelChoiceFilter(
        label=_("所属市"), field_name="enterprise__city", queryset=_cities()
    )
    overdue = df.BooleanFilter(label=_("审查已超期"), method="filter_overdue")

    class Meta:
        model = TechSMEApplication
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, value, "enterprise__name__icontains", "enterprise__uscc")

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset if value is None else queryset.filter(overdue=value)


class AdmissionFilter(df.FilterSet):
    q = df.CharFilter(label=_("企业名称或编号"), method="search")
    year = df.NumberFilter(label=_("评价年度"))
    in_force = df.BooleanFilter(label=_("有效"), field_name="revoked_on", lookup_expr="isnull")
    city = df.ModelChoiceFilter(
        label=_("所属市"), field_name="enterprise__city", queryset=_cities()
    )

    class Meta:
        model = Admission
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, value, "enterprise__name__icontains", "number")
