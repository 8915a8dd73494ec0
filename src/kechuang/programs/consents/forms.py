"""The form of an enterprise's consent to a bank."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.registry.models import Bank


class ConsentForm(forms.Form):
    SCOPES = (
        ("innovation_points", _("创新积分")),
        ("profile", _("登记信息(含创新积分)")),
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
