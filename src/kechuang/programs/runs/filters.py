"""The filters of a run's results table: the page, its export and the API use this one set."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Industry, Region

OUTCOMES = (
    ("pass", _("通过")),
    ("fail", _("未通过")),
    ("ineligible", _("不符合基本条件")),
)


class ResultFilter(df.FilterSet):
    verdict = df.ChoiceFilter(label=_("结论"), choices=OUTCOMES, method="by_outcome")
    city = df.ModelChoiceFilter(
        label=_("市"),
        field_name="enterprise__city",
        queryset=Region.objects.filter(level__in=["city", "reporting_unit"]),
    )
    industry_section = df.ModelChoiceFilter(
        label=_("行业门类"),
        field_name="enterprise__industry__parent",
        queryset=Industry.objects.filter(level="section"),
    )
    score_min = df.NumberFilter(label=_("得分不低于"), field_name="score", lookup_expr="gte")
    score_max = df.NumberFilter(label=_("得分不高于"), field_name="score", lookup_expr="lte")
    tier = df.CharFilter(label=_("榜单"), field_name="tier")
    q = df.CharFilter(label=_("企业名称或信用代码"), method="search")
    ordering = df.OrderingFilter(
        label=_("排序"),
        fields=(("score", "score"), ("enterprise__name", "name"), ("rank", "rank")),
    )

    def by_outcome(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "ineligible":
            return queryset.filter(eligible=False)
        if value == "fail":
            return queryset.filter(eligible=True, verdict="fail")
        return queryset.filter(verdict=value)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value) | Q(enterprise__uscc=value.upper())
        )
