"""Forms of the gradient-program pages. They validate input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import User
from kechuang.core.roles import Role
from kechuang.programs.gradient.models import GRADIENT_CHOICES, GradientCall


class CallForm(forms.Form):
    program = forms.ChoiceField(label=_("项目"), choices=GRADIENT_CHOICES)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(
        label=_("申报开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.DateField(
        label=_("申报截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    recommend_by = forms.DateField(
        label=_("推荐截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空则为申报截止后第3个工作日"),
    )
    reviewers = forms.IntegerField(
        label=_("每项申报的评审专家数"), min_value=1, max_value=15, initial=1
    )


class ApplyForm(forms.Form):
    call = forms.ModelChoiceField(label=_("申报通知"), queryset=GradientCall.objects.none())
    statement = forms.CharField(
        label=_("申报说明"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, calls: QuerySet[GradientCall], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["call"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = calls


class RecommendForm(forms.Form):
    recommended = forms.TypedChoiceField(
        label=_("推荐意见"),
        choices=[("1", _("推荐")), ("0", _("不予推荐"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(
        label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    expert = forms.ModelChoiceField(
        label=_("评审专家"),
        queryset=User.objects.filter(role=Role.EXPERT, is_active=True).order_by("username"),
    )


class ScoreForm(forms.Form):
    score = forms.DecimalField(
        label=_("评分"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    recommended = forms.TypedChoiceField(
        label=_("评审意见"),
        choices=[("1", _("推荐认定")), ("0", _("不推荐"))],
        coerce=lambda v: v == "1",
    )
    comment = forms.CharField(
        label=_("评审意见说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
