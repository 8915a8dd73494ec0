"""Forms of the event, broker and training pages. Organisations are named by USCC."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Region
from kechuang.market.activities.models import (
    Broker,
    EventOutcome,
    MatchmakingActivity,
    TrainingSession,
)
from kechuang.market.common import TEXTAREA, DateInput


def _cities() -> QuerySet[Region]:
    return Region.objects.filter(level__in=["city", "reporting_unit"])


class OrganisedForm(forms.ModelForm):
    """Admins choose the organiser (a registered one by code); a service institution
    organises its own, so it sees neither field."""

    organiser_uscc = forms.CharField(
        label=_("主办机构统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("主办方为登记机构时填写"),
    )

    def __init__(self, *args: Any, admin: bool, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["city"].queryset = _cities()  # type: ignore[attr-defined]
        if not admin:
            del self.fields["organiser_kind"]
            del self.fields["organiser_uscc"]
            self.fields["city"].required = False

    def _post_clean(self) -> None:
        pass


class EventForm(OrganisedForm):
    class Meta:
        model = MatchmakingActivity
        fields = ["kind", "title", "held_on", "city", "venue", "description", "organiser_kind"]
        widgets = {"held_on": DateInput(), "description": TEXTAREA}


class TrainingForm(OrganisedForm):
    class Meta:
        model = TrainingSession
        fields = ["kind", "topic", "starts_on", "ends_on", "city", "organiser_kind"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class ParticipantForm(forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    name = forms.CharField(label=_("机构名称"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("uscc") and not data.get("name"):
            raise forms.ValidationError(_("请填写统一社会信用代码或机构名称"))
        return data


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("成果类型"), choices=EventOutcome.Kind.choices)
    title = forms.CharField(label=_("项目"), max_length=200, required=False)
    parties = forms.CharField(label=_("合作各方"), max_length=300, required=False)
    amount = forms.DecimalField(
        label=_("金额(元)"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    contract_number = forms.CharField(
        label=_("技术合同登记号"), max_length=14, required=False, help_text=_("签约成果必填")
    )


class BrokerForm(forms.ModelForm):
    employer_uscc = forms.CharField(
        label=_("所在单位统一社会信用代码"), max_length=30, help_text=_("服务机构或高校院所")
    )

    class Meta:
        model = Broker
        fields = ["name", "series", "level", "certified_on"]
        widgets = {"certified_on": DateInput()}

    def __init__(self, *args: Any, own: bool, **kw: Any):
        super().__init__(*args, **kw)
        if own:
            del self.fields["employer_uscc"]

    def _post_clean(self) -> None:
        pass


class AttendanceForm(forms.Form):
    broker = forms.ModelChoiceField(
        label=_("技术经纪人"), queryset=Broker.objects.none(), required=False
    )
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    employer = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    passed = forms.BooleanField(label=_("考核合格"), required=False)

    def __init__(self, *args: Any, brokers: QuerySet[Broker], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["broker"].queryset = brokers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("broker") and not data.get("name"):
            raise forms.ValidationError(_("请选择技术经纪人或填写姓名"))
        return data


class _EditForm(forms.ModelForm):
    """What an edit may change; the service writes, so the instance is left alone."""

    def _post_clean(self) -> None:
        pass


class EventEditForm(_EditForm):
    class Meta:
        model = MatchmakingActivity
        fields = ["kind", "title", "held_on", "venue", "description"]
        widgets = {"held_on": DateInput(), "description": TEXTAREA}


class TrainingEditForm(_EditForm):
    class Meta:
        model = TrainingSession
        fields = ["kind", "topic", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class BrokerEditForm(_EditForm):
    class Meta:
        model = Broker
        fields = ["name", "series", "level", "certified_on"]
        widgets = {"certified_on": DateInput()}
