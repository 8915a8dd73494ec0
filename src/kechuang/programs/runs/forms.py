"""The form of a batch run, and the choice of program and year that simulations share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.forms import SubmissionKey
from kechuang.core.models import Region
from kechuang.core.roles import Role
from kechuang.programs.specs import spec_choices


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
