"""Forms of batch runs, policy simulations and consents to banks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.forms import SubmissionKey
from kechuang.core.models import Region
from kechuang.core.roles import Role
from kechuang.programs import specs
from kechuang.registry.models import Bank


def spec_choices() -> list[tuple[str, str]]:
    """`program:year` of every program and year with rules, newest year first."""
    lang = "en" if (get_language() or "").startswith("en") else "zh-hans"
    out = []
    for program, years in specs.catalogue().items():
        title = specs.program_title(program, lang)
        out += [(f"{program}:{y}", f"{title} {y}") for y in reversed(years)]
    return out


def split(value: str) -> tuple[str, int]:
    program, _sep, year = value.rpartition(":")
    return program, int(year)


class RunForm(forms.Form):
    spec = forms.ChoiceField(label=_("评价项目与年度"))
    region = forms.ModelChoiceField(
        label=_("范围"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("全部(有权限的范围)"),
        help_text=_("市、沈抚示范区或区县;留空则为全省(市科技局为本市)"),
    )
    submission = SubmissionKey()

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["spec"].choices = spec_choices()  # type: ignore[attr-defined]
        regions = Region.objects.exclude(level=Region.Level.PROVINCE)
        if scoping.role_of(user) == Role.CITY_ADMIN:
            regions = regions.filter(code=user.city_id) | regions.filter(parent_id=user.city_id)
        self.fields["region"].queryset = regions.order_by("code")  # type: ignore[attr-defined]


class SimulationForm(forms.Form):
    spec = forms.ChoiceField(label=_("评价项目与年度"))
    text = forms.CharField(
        label=_("修订后的规则(TOML)"),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
        help_text=_("在现行规则的基础上修改门槛、分档、权重或通过线;保存前会按规则格式校验。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["spec"].choices = spec_choices()  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("修订说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ConsentForm(forms.Form):
    SCOPES = (
        ("innovation_points", _("创新积分")),
        ("registry", _("登记信息与年度数据(含创新积分)")),
    )

    bank = forms.ModelChoiceField(label=_("银行"), queryset=Bank.objects.order_by("name"))
    scope = forms.ChoiceField(label=_("授权范围"), choices=SCOPES)
    expires_on = forms.DateField(
        label=_("到期日期"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_expires_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["expires_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("到期日期不能早于今天"))
        return value
