"""FilterSets of the gradient-program lists: the pages and the API filter alike."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.programs.gradient.models import (
    GRADIENT_CHOICES,
    GradientApplication,
    GradientCertification,
)


class GradientFilter(df.FilterSet):
    q = df.CharFilter(label=_("企业名称"), method="search")
    program = df.ChoiceFilter(label=_("项目"), choices=GRADIENT_CHOICES)
    year = df.NumberFilter(label=_("年度"))
    status = df.ChoiceFilter(label=_("状态"), choices=GradientApplication.Status.choices)

    class Meta:
        model = GradientApplication
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc=value))


class CertificationFilter(df.FilterSet):
    program = df.ChoiceFilter(label=_("项目"), choices=GRADIENT_CHOICES)
    year = df.NumberFilter(label=_("年度"))

    class Meta:
        model = GradientCertification
        fields: list[str] = []
