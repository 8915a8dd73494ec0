"""FilterSets of matchmaking activities, brokers and training: the pages, the API and the
export filter alike."""

from __future__ import annotations

import django_filters as df
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Region
from kechuang.market.activities.models import Broker, MatchmakingActivity, TrainingSession


def _cities() -> QuerySet[Region]:
    return Region.objects.filter(level__in=["city", "reporting_unit"])


class EventFilter(df.FilterSet):
    kind = df.ChoiceFilter(label=_("活动类型"), choices=MatchmakingActivity.Kind.choices)
    city = df.ModelChoiceFilter(label=_("举办地(市)"), queryset=_cities())
    held_from = df.DateFilter(label=_("举办日期起"), field_name="held_on", lookup_expr="gte")
    held_to = df.DateFilter(label=_("举办日期止"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = MatchmakingActivity
        fields: list[str] = []


class BrokerFilter(df.FilterSet):
    series = df.ChoiceFilter(label=_("职称系列"), choices=Broker.Series.choices)
    level = df.ChoiceFilter(label=_("职称级别"), choices=Broker.Level.choices)

    class Meta:
        model = Broker
        fields: list[str] = []


class TrainingFilter(df.FilterSet):
    kind = df.ChoiceFilter(label=_("培训对象"), choices=TrainingSession.Kind.choices)
    city = df.ModelChoiceFilter(label=_("举办地(市)"), queryset=_cities())
    ended_from = df.DateFilter(label=_("结束日期起"), field_name="ends_on", lookup_expr="gte")
    ended_to = df.DateFilter(label=_("结束日期止"), field_name="ends_on", lookup_expr="lte")

    class Meta:
        model = TrainingSession
        fields: list[str] = []
