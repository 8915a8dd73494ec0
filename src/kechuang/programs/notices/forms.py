"""Forms of the public notice pages. They validate input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.programs.common import Program
from kechuang.programs.techsme.models import TechSMEApplication


class NoticeForm(forms.Form):
    title = forms.CharField(
        label=_("公示名称"), max_length=200, required=False, help_text=_("留空则自动生成")
    )
    starts_on = forms.DateField(
        label=_("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    applications: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("列入公示的申请"),
        queryset=TechSMEApplication.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, ready: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = ready


class NoticeFilterForm(forms.Form):
    program = forms.ChoiceField(label=_("项目"), choices=Program.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("异议内容"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请写明异议的事实和依据;异议人信息仅供省科技厅核实"),
    )


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("1", _("异议成立")), ("0", _("异议不成立"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 2}))
