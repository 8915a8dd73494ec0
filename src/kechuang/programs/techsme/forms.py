"""Forms of the tech-SME pages. They validate input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from kechuang.programs.techsme.models import Revocation, SpotCheck
from kechuang.registry.models import EnterpriseYear


def _label(name: str) -> Any:
    return getattr(EnterpriseYear._meta.get_field(name), "verbose_name", name)


_MONEY = ("sales_revenue", "total_cost", "rd_expense", "total_assets")


_FLAGS = ("national_award_top3", "provincial_rd_institution", "led_standard")


_DECLARATIONS = ("abnormal_or_blacklisted", "major_incident")


class SelfAssessmentForm(forms.Form):
    """The figures of the last closed fiscal year that the tech-SME rules read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("staff", "tech_staff", *_MONEY, "ip_class1", "ip_class2"):
            if name in _MONEY:
                self.fields[name] = forms.DecimalField(
                    label=_label(name),
                    max_digits=18,
                    decimal_places=2,
                    validators=[MinValueValidator(0)],
                    help_text=_("元"),
                )
            else:
                self.fields[name] = forms.IntegerField(
                    label=_label(name), min_value=0, required=name in ("staff", "tech_staff")
                )
        self.fields["high_tech_cert_valid_to"] = forms.DateField(
            label=_label("high_tech_cert_valid_to"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}),
            help_text=_("没有高新技术企业证书的留空"),
        )
        for name in (*_FLAGS, *_DECLARATIONS):
            self.fields[name] = forms.BooleanField(label=_label(name), required=False)
        self.fields["abnormal_or_blacklisted"].help_text = _("上年度或当年")
        self.fields["major_incident"].help_text = _("上年度或当年")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        staff, tech = data.get("staff"), data.get("tech_staff")
        if staff is not None and tech is not None and tech > staff:
            self.add_error("tech_staff", _("科技人员数不能大于职工总数"))
        cost, rd = data.get("total_cost"), data.get("rd_expense")
        if cost is not None and rd is not None and rd > cost:
            self.add_error("rd_expense", _("研发费用不能大于成本费用支出总额"))
        for name in ("ip_class1", "ip_class2"):
            if data.get(name) is None:
                data[name] = 0
        return data

    def figures(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审查结论"),
        choices=[("pass", _("通过")), ("return", _("退回修改")), ("reject", _("不通过"))],
    )
    reason = forms.CharField(
        label=_("审查意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevokeForm(forms.Form):
    ground = forms.ChoiceField(label=_("撤销理由"), choices=Revocation.Ground.choices)
    reason = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SpotCheckForm(forms.Form):
    result = forms.ChoiceField(label=_("抽查结果"), choices=SpotCheck.Result.choices)
    note = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不合格时必填;不合格将撤销入库登记编号"),
    )


class ReevaluateForm(forms.Form):
    year = forms.IntegerField(label=_("评价年度"), min_value=2000, max_value=2100)
