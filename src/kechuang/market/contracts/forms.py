"""Forms of the contract pages. They validate input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from kechuang.core import uploads
from kechuang.market.common import DateInput
from kechuang.market.contracts import stats
from kechuang.market.contracts.models import REFUSAL_GROUNDS, ContractDeduction, TechContract


class ContractForm(forms.ModelForm):
    class Meta:
        model = TechContract
        fields = [
            "title",
            "type",
            "subtype",
            "seller_name",
            "seller_region_code",
            "buyer_name",
            "buyer_region_code",
            "buyer_country",
            "turnover",
            "signed_on",
            "effective_on",
            "valid_until",
            "field",
            "ip_type",
            "plan_level",
            "licence_exclusive",
            "licence_years",
            "attachment",
        ]
        widgets = {
            "signed_on": DateInput(),
            "effective_on": DateInput(),
            "valid_until": DateInput(),
        }

    seller_uscc = forms.CharField(
        label=_("卖方统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("本省登记的单位填代码即可,名称与所在地自动带出;企业、高校院所用户为本单位"),
    )
    buyer_uscc = forms.CharField(
        label=_("买方统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("买方为本省登记的单位时填写"),
    )
    field_order = [
        "title",
        "type",
        "subtype",
        "seller_uscc",
        "seller_name",
        "seller_region_code",
        "buyer_uscc",
        "buyer_name",
        "buyer_region_code",
        "buyer_country",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filled from the registry record when a party is named by its code.
        self.fields["seller_name"].required = False
        self.fields["buyer_name"].required = False

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if isinstance(upload, UploadedFile):  # a new upload, not the file stored before
            uploads.validate_attachment(upload)
        return upload

    def _post_clean(self) -> None:
        # The service derives the parties and the city, then validates the whole contract.
        pass


class DeductionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ContractDeduction.Kind.choices)
    # Rows left without an amount are ignored: a browser always sends the kind.
    amount = forms.DecimalField(
        label=_("金额(元)"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


DeductionFormSet = forms.formset_factory(DeductionForm, extra=2, can_delete=False)


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(label=_("受理日期"), required=False, widget=DateInput())
    disputed = forms.BooleanField(label=_("存在争议(转专家审查)"), required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"), choices=[("register", _("准予登记")), ("refuse", _("不予登记"))]
    )
    ground = forms.ChoiceField(
        label=_("不予登记理由"),
        choices=[("", "—"), *REFUSAL_GROUNDS.items()],
        required=False,
    )
    reason = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("注销理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel文件(.xlsx)"))
    dry_run = forms.BooleanField(label=_("仅校验,不写入"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        uploads.validate_size(upload)  # before the workbook is stored or opened
        return upload


DIMENSION_CHOICES = [
    ("type", _("合同类型")),
    ("field", _("技术领域")),
    ("seller_kind", _("卖方类型")),
    ("city", _("登记地(市)")),
    ("ip_type", _("知识产权类型")),
    ("plan_level", _("政府计划类别")),
]


class StatsForm(forms.Form):
    start = forms.DateField(label=_("登记日期起"), widget=DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("登记日期止"), widget=DateInput(attrs={"type": "date"}))
    by = forms.MultipleChoiceField(
        label=_("分组"),
        choices=DIMENSION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end"):
            try:
                stats.plausible_period(data["start"], data["end"])
            except forms.ValidationError as exc:
                for name, errors in exc.error_dict.items():
                    self.add_error(name, errors)
        return data
