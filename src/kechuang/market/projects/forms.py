"""Forms of the plan-project pages. They validate input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.market.common import TEXTAREA, DateInput
from kechuang.market.orgs import find_org
from kechuang.market.projects.models import PlanProject
from kechuang.registry.models import Enterprise, Institution, Platform


class ProjectForm(forms.Form):
    """An innovation-consortium or provincial-lab project (a challenge applies from its page)."""

    name = forms.CharField(label=_("项目名称"), max_length=200)
    kind = forms.ChoiceField(
        label=_("项目类别"),
        choices=[(k, v) for k, v in PlanProject.Kind.choices if k != PlanProject.Kind.CHALLENGE],
    )
    lead_uscc = forms.CharField(
        label=_("承担单位统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("省实验室项目不填时为实验室依托单位"),
    )
    platform = forms.ModelChoiceField(
        label=_("省实验室"),
        queryset=Platform.objects.filter(kind=Platform.Kind.PROVINCIAL_LAB),
        required=False,
    )

    def __init__(self, *args: Any, own: bool, **kw: Any):
        super().__init__(*args, **kw)
        if own:
            del self.fields["lead_uscc"]

    def clean_lead_uscc(self) -> Any:
        code = self.cleaned_data.get("lead_uscc")
        return find_org(code, Enterprise, Institution) if code else None


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"), choices=[("approve", _("批准立项")), ("reject", _("不予立项"))]
    )
    budget = forms.DecimalField(
        label=_("省级财政资助(元)"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    approved_on = forms.DateField(label=_("立项日期"), required=False, widget=DateInput())
    reason = forms.CharField(label=_("说明"), required=False, widget=TEXTAREA)


class ConcludeForm(forms.Form):
    result = forms.ChoiceField(
        label=_("验收结论"), choices=[("passed", _("通过验收")), ("failed", _("未通过验收"))]
    )
    concluded_on = forms.DateField(label=_("验收日期"), required=False, widget=DateInput())
    reason = forms.CharField(label=_("说明"), required=False, widget=TEXTAREA)
