"""FilterSets of the challenge lists: the pages, the API and the export filter alike."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import TechField
from kechuang.market.challenges.models import (
    Challenge,
    ChallengeBid,
    ChallengeDemand,
    ChallengeListBatch,
)

# --- challenge lists, projects, events, brokers, training ----------------------------------
# Records the user may not see never appear among a filter's choices: a list is chosen by
# its id, not from a drop-down of every list.


class ChallengeDemandFilter(df.FilterSet):
    status = df.ChoiceFilter(label=_("状态"), choices=ChallengeDemand.Status.choices)
    call = df.NumberFilter(label=_("需求征集编号"), field_name="call_id")

    class Meta:
        model = ChallengeDemand
        fields: list[str] = []


class BatchFilter(df.FilterSet):
    status = df.ChoiceFilter(label=_("状态"), choices=ChallengeListBatch.Status.choices)

    class Meta:
        model = ChallengeListBatch
        fields: list[str] = []


class ChallengeFilter(df.FilterSet):
    q = df.CharFilter(label=_("搜索"), method="search")
    status = df.ChoiceFilter(label=_("状态"), choices=Challenge.Status.choices)
    field = df.ModelChoiceFilter(label=_("技术领域"), queryset=TechField.objects.all())
    batch = df.NumberFilter(label=_("榜单编号"), field_name="batch_id")

    class Meta:
        model = Challenge
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(need__icontains=value) | Q(issuer__name__icontains=value)
        )


class BidFilter(df.FilterSet):
    status = df.ChoiceFilter(label=_("状态"), choices=ChallengeBid.Status.choices)
    challenge = df.NumberFilter(label=_("榜单项目编号"), field_name="challenge_id")

    class Meta:
        model = ChallengeBid
        fields: list[str] = []
