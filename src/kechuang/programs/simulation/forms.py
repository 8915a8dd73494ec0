"""Forms of policy simulations and of publishing their rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.programs.specs import spec_choices


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
