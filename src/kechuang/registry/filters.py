"""One FilterSet per model: the HTML list, the API and the exports all filter through these."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import HighTechZone, Industry, Region
from kechuang.registry.models import (
    Bank,
    Enterprise,
    Institution,
    Person,
    Platform,
    ServiceInstitution,
)


class SearchMixin(df.FilterSet):
    q = df.CharFilter(label=_("搜索"), method="search")
    search_fields: tuple[str, ...] = ("name__icontains", "uscc__iexact")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for lookup in self.search_fields:
            q |= Q(**{lookup: value.upper() if "uscc" in lookup else value})
        return queryset.filter(q)


def _cities() -> QuerySet[Region]:
    return Region.objects.filter(level__in=["city", "reporting_unit"])


class EnterpriseFilter(SearchMixin):
    city = df.ModelChoiceFilter(label=_("市"), queryset=_cities())
    region = df.CharFilter(label=_("区县代码"), field_name="region_id")
    zone = df.ModelChoiceFilter(label=_("高新区"), queryset=HighTechZone.objects.all())
    industry_section = df.ModelChoiceFilter(
        label=_("行业门类"),
        field_name="industry__parent",
        queryset=Industry.objects.filter(level="section"),
    )
    industry = df.CharFilter(label=_("行业大类代码"), field_name="industry_id")
    listing_status = df.ChoiceFilter(label=_("上市状态"), choices=Enterprise.ListingStatus.choices)
    listing_board = df.ChoiceFilter(label=_("上市板块"), choices=Enterprise.Board.choices[1:])
    high_tech_valid_on = df.DateFilter(label=_("高企证书有效于"), method="high_tech_on")
    founded_after = df.DateFilter(
        label=_("成立日期晚于"), field_name="founded_on", lookup_expr="gte"
    )
    founded_before = df.DateFilter(
        label=_("成立日期早于"), field_name="founded_on", lookup_expr="lte"
    )
    ordering = df.OrderingFilter(
        label=_("排序"),
        fields=(
            ("name", "name"),
            ("founded_on", "founded_on"),
            ("uscc", "uscc"),
            ("city", "city"),
            ("industry", "industry"),
            ("updated_at", "updated_at"),
        ),
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def high_tech_on(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        return queryset.filter(high_tech_valid_from__lte=value, high_tech_valid_to__gte=value)


class InstitutionFilter(SearchMixin):
    city = df.ModelChoiceFilter(label=_("市"), queryset=_cities())
    kind = df.ChoiceFilter(label=_("类型"), choices=Institution.Kind.choices)
    central_in_province = df.BooleanFilter(label=_("中直驻辽"))
    ordering = df.OrderingFilter(label=_("排序"), fields=("name", "city", "kind"))

    class Meta:
        model = Institution
        fields: list[str] = []


class ServiceInstitutionFilter(SearchMixin):
    city = df.ModelChoiceFilter(label=_("市"), queryset=_cities())
    kind = df.ChoiceFilter(label=_("类型"), choices=ServiceInstitution.Kind.choices)
    ordering = df.OrderingFilter(label=_("排序"), fields=("name", "city", "kind"))

    class Meta:
        model = ServiceInstitution
        fields: list[str] = []


class BankFilter(SearchMixin):
    city = df.ModelChoiceFilter(label=_("市"), queryset=_cities())
    ordering = df.OrderingFilter(label=_("排序"), fields=("name", "city"))

    class Meta:
        model = Bank
        fields: list[str] = []


class PlatformFilter(SearchMixin):
    search_fields = ("name__icontains",)
    city = df.ModelChoiceFilter(label=_("市"), queryset=_cities())
    kind = df.ChoiceFilter(label=_("类型"), choices=Platform.Kind.choices)
    level = df.ChoiceFilter(label=_("级别"), choices=Platform.Level.choices)
    status = df.ChoiceFilter(label=_("状态"), choices=Platform.Status.choices)
    approved_after = df.DateFilter(
        label=_("批复日期晚于"), field_name="approved_on", lookup_expr="gte"
    )
    approved_before = df.DateFilter(
        label=_("批复日期早于"), field_name="approved_on", lookup_expr="lte"
    )
    ordering = df.OrderingFilter(label=_("排序"), fields=("name", "kind", "approved_on", "city"))

    class Meta:
        model = Platform
        fields: list[str] = []


class PersonFilter(SearchMixin):
    search_fields = ("name__icontains",)
    title = df.ChoiceFilter(label=_("人才称号"), choices=Person.Title.choices)
    ordering = df.OrderingFilter(label=_("排序"), fields=("name", "title"))

    class Meta:
        model = Person
        fields: list[str] = []
