"""FilterSets of the technology market: the pages, the API and the export filter alike."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Region, TechField
from kechuang.market.models import (
    Achievement,
    AchievementTransfer,
    Broker,
    Challenge,
    ChallengeBid,
    ChallengeDemand,
    ChallengeListBatch,
    MatchmakingActivity,
    PlanProject,
    TechContract,
    TechDemand,
    TrainingSession,
)


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
