"""FilterSets of plan projects: the pages, the API and the export filter alike."""

from __future__ import annotations

import django_filters as df
from django.utils.translation import gettext_lazy as _

from kechuang.market.projects.models import PlanProject


class ProjectFilter(df.FilterSet):
    kind = df.ChoiceFilter(label=_("项目类别"), choices=PlanProject.Kind.choices)
    status = df.ChoiceFilter(label=_("状态"), choices=PlanProject.Status.choices)
    approved_from = df.DateFilter(
        label=_("立项日期起"), field_name="approved_on", lookup_expr="gte"
    )
    approved_to = df.DateFilter(label=_("立项日期止"), field_name="approved_on", lookup_expr="lte")

    class Meta:
        model = PlanProject
        fields: list[str] = []
