"""Forms of the catalogue pages. They validate input; services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.market.catalogue.models import Achievement, AchievementTransfer, TechDemand
from kechuang.market.common import DateInput


class AchievementForm(forms.ModelForm):
    class Meta:
        model = Achievement
        fields = [
            "title",
            "abstract",
            "keywords",
            "field",
            "trl",
            "ip_type",
            "ip_numbers",
            "ownership_granted",
            "separate_management",
            "use_first_pay_later",
            "licence_terms",
            "contact",
        ]


class TransferForm(forms.ModelForm):
    class Meta:
        model = AchievementTransfer
        fields = [
            "achievement",
            "title",
            "enterprise_name",
            "in_province",
            "mode",
            "amount",
            "transferred_on",
            "contract",
        ]
        widgets = {"transferred_on": DateInput()}

    enterprise_uscc = forms.CharField(
        label=_("受让企业统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("受让方为本省登记企业时填写"),
    )

    def _post_clean(self) -> None:
        pass


class DemandForm(forms.ModelForm):
    class Meta:
        model = TechDemand
        fields = ["title", "problem", "targets", "budget", "deadline", "field", "is_public"]
        widgets = {"deadline": DateInput()}

    def _post_clean(self) -> None:
        pass
