"""FilterSets of the catalogue: the pages, the API and the export filter alike."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import TechField
from kechuang.market.catalogue.models import Achievement, AchievementTransfer, TechDemand


class AchievementFilter(df.FilterSet):
    q = df.CharFilter(label=_("搜索"), method="search")
    field = df.ModelChoiceFilter(label=_("技术领域"), queryset=TechField.objects.all())
    min_trl = df.NumberFilter(label=_("最低成熟度"), field_name="trl", lookup_expr="gte")
    ownership_granted = df.BooleanFilter(label=_("赋权成果"))
    use_first_pay_later = df.BooleanFilter(label=_("先使用后付费"))

    class Meta:
        model = Achievement
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(abstract__icontains=value)
            | Q(keywords__icontains=value)
            | Q(institution__name__icontains=value)
        )


class TransferFilter(df.FilterSet):
    mode = df.ChoiceFilter(label=_("转化方式"), choices=AchievementTransfer.Mode.choices)
    transferred_from = df.DateFilter(
        label=_("转化日期起"), field_name="transferred_on", lookup_expr="gte"
    )
    transferred_to = df.DateFilter(
        label=_("转化日期止"), field_name="transferred_on", lookup_expr="lte"
    )

    class Meta:
        model = AchievementTransfer
        fields: list[str] = []


class DemandFilter(df.FilterSet):
    q = df.CharFilter(label=_("搜索"), field_name="title", lookup_expr="icontains")
    field = df.ModelChoiceFilter(label=_("技术领域"), queryset=TechField.objects.all())
    status = df.ChoiceFilter(label=_("状态"), choices=TechDemand.Status.choices)

    class Meta:
        model = TechDemand
        fields: list[str] = []
