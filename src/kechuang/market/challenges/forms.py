"""Forms of the challenge-list pages (揭榜挂帅). They validate input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import User
from kechuang.core.roles import Role
from kechuang.market.challenges.models import (
    Challenge,
    ChallengeBid,
    ChallengeCall,
    ChallengeDemand,
    ChallengeListBatch,
)
from kechuang.market.common import TEXTAREA, DateInput
from kechuang.market.orgs import find_org
from kechuang.registry.models import Enterprise


class CallForm(forms.ModelForm):
    class Meta:
        model = ChallengeCall
        fields = ["title", "theme", "description", "opens_on", "closes_on"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput(), "description": TEXTAREA}


class ChallengeDemandForm(forms.ModelForm):
    """A demand for a call that is open; admins name the enterprise by its code."""

    call_choice = forms.ModelChoiceField(label=_("需求征集"), queryset=ChallengeCall.objects.none())
    enterprise_uscc = forms.CharField(label=_("提出企业统一社会信用代码"), max_length=30)

    class Meta:
        model = ChallengeDemand
        fields = ["title", "need", "targets", "budget", "field"]
        widgets = {"need": TEXTAREA, "targets": TEXTAREA}

    def __init__(self, *args: Any, calls: QuerySet[ChallengeCall], own: bool, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["call_choice"].queryset = calls  # type: ignore[attr-defined]
        self.order_fields(["call_choice", "enterprise_uscc"])
        if own:
            del self.fields["enterprise_uscc"]

    def clean_enterprise_uscc(self) -> Enterprise:
        found: Enterprise = find_org(self.cleaned_data["enterprise_uscc"], Enterprise)
        return found

    def _post_clean(self) -> None:
        pass


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=TEXTAREA)


class BatchForm(forms.ModelForm):
    class Meta:
        model = ChallengeListBatch
        fields = ["title", "call"]


class ChallengeForm(forms.ModelForm):
    """An item of a list: refined from a demand of the list's call, or named directly."""

    issuer_uscc = forms.CharField(
        label=_("发榜企业统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("由需求凝练时可不填"),
    )

    class Meta:
        model = Challenge
        fields = ["demand", "title", "need", "targets", "budget_cap", "deadline", "field"]
        widgets = {"deadline": DateInput(), "need": TEXTAREA, "targets": TEXTAREA}

    def __init__(self, *args: Any, demands: QuerySet[ChallengeDemand], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["demand"].queryset = demands  # type: ignore[attr-defined]
        for name in ("title", "need", "targets", "field"):
            self.fields[name].required = False
        self.order_fields(["demand", "issuer_uscc"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = data.pop("issuer_uscc", "")
        if code:
            try:
                data["issuer"] = find_org(code, Enterprise)
            except forms.ValidationError as exc:
                self.add_error("issuer_uscc", exc)
        elif not data.get("demand"):
            self.add_error("issuer_uscc", _("请填写发榜企业或选择来源需求"))
        return data

    def _post_clean(self) -> None:
        pass


class BidForm(forms.ModelForm):
    """A bid; the province also names the solver (registered by code, or an outside party)."""

    class Meta:
        model = ChallengeBid
        fields = [
            "proposal",
            "team",
            "price",
            "solver_uscc",
            "solver_name",
            "solver_kind",
            "solver_country",
        ]
        widgets = {"proposal": TEXTAREA, "team": TEXTAREA}

    def __init__(self, *args: Any, names_solver: bool, **kw: Any):
        super().__init__(*args, **kw)
        if names_solver:
            for name in ("solver_name", "solver_kind"):
                self.fields[name].required = False
            self.fields["solver_uscc"].help_text = _("已登记机构只填代码;境外机构不填")
        else:
            for name in ("solver_uscc", "solver_name", "solver_kind", "solver_country"):
                del self.fields[name]

    def _post_clean(self) -> None:
        pass


class SelectForm(forms.Form):
    bid = forms.IntegerField(label=_("揭榜申请"), min_value=1)
    reason = forms.CharField(label=_("说明"), required=False, widget=TEXTAREA)


class AgreementForm(forms.Form):
    signed_on = forms.DateField(label=_("签约日期"), widget=DateInput())
    amount = forms.DecimalField(label=_("合同金额(元)"), max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class ReviewAssignForm(forms.Form):
    """The province names an expert for every live bid of a challenge, or for one."""

    expert = forms.ModelChoiceField(label=_("评审专家"), queryset=User.objects.none())
    bid = forms.ModelChoiceField(
        label=_("揭榜申请"),
        queryset=ChallengeBid.objects.none(),
        required=False,
        empty_label=_("全部未撤回的揭榜申请"),
    )

    def __init__(self, *args: Any, challenge: Challenge, **kw: Any):
        super().__init__(*args, **kw)
        experts = User.objects.filter(role=Role.EXPERT, is_active=True).order_by("username")
        self.fields["expert"].queryset = experts  # type: ignore[attr-defined]
        self.fields["bid"].queryset = challenge.bids.filter(  # type: ignore[attr-defined]
            status=ChallengeBid.Status.SUBMITTED
        ).order_by("id")
        self.fields["expert"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: u.display_name or u.username
        )
        self.fields["bid"].label_from_instance = lambda b: b.solver_name  # type: ignore[attr-defined]


class BidReviewForm(forms.Form):
    score = forms.IntegerField(label=_("评分(0–100)"), min_value=0, max_value=100)
    opinion = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 6}))


class ChallengeDemandEditForm(forms.ModelForm):
    class Meta:
        model = ChallengeDemand
        fields = ["title", "need", "targets", "budget", "field"]
        widgets = {"need": TEXTAREA, "targets": TEXTAREA}

    def _post_clean(self) -> None:
        pass


class ChallengeEditForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = ["title", "need", "targets", "budget_cap", "deadline", "field"]
        widgets = {"deadline": DateInput(), "need": TEXTAREA, "targets": TEXTAREA}

    def _post_clean(self) -> None:
        pass


class CallEditForm(CallForm):
    """The call's fields; the service checks them against the stored call."""

    def _post_clean(self) -> None:
        pass


class BatchEditForm(BatchForm):
    def _post_clean(self) -> None:
        pass
