"""FilterSets of technology contracts: the pages, the API and the export filter alike."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Region, TechField
from kechuang.market.contracts.models import TechContract


def _cities() -> QuerySet[Region]:
    return Region.objects.filter(level__in=["city", "reporting_unit"])


class ContractFilter(df.FilterSet):
    q = df.CharFilter(label=_("搜索"), method="search")
    status = df.ChoiceFilter(label=_("状态"), choices=TechContract.Status.choices)
    type = df.ChoiceFilter(label=_("合同类型"), choices=TechContract.Type.choices)
    field = df.ModelChoiceFilter(label=_("技术领域"), queryset=TechField.objects.all())
    city = df.ModelChoiceFilter(label=_("登记地(市)"), queryset=_cities())
    seller_kind = df.ChoiceFilter(label=_("卖方类型"), choices=TechContract.SellerKind.choices)
    registered_from = df.DateFilter(
        label=_("登记日期起"), field_name="registered_on", lookup_expr="gte"
    )
    registered_to = df.DateFilter(
        label=_("登记日期止"), field_name="registered_on", lookup_expr="lte"
    )
    overdue = df.BooleanFilter(label=_("已超期"), method="filter_overdue")
    ordering = df.OrderingFilter(
        label=_("排序"),
        fields=(
            ("registered_on", "registered_on"),
            ("turnover", "turnover"),
            ("tech_value", "tech_value"),
            ("decision_due", "decision_due"),
        ),
    )

    class Meta:
        model = TechContract
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(number=value)
            | Q(seller_name__icontains=value)
            | Q(buyer_name__icontains=value)
        )

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(overdue=value)
