"""Contract pages: list, detail (events, deadline, tax flags), certificate, submit, review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core.http import act, paginate
from kechuang.core.roles import ADMIN_ROLES, Role
from kechuang.core.scoping import role_of
from kechuang.market import forms, selectors, services, tax
from kechuang.market.filters import ContractFilter
from kechuang.market.models import TechContract
from kechuang.market.workflows.contracts import CONTRACT

SUBMITTING_ROLES = {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE, Role.INSTITUTION}
# Where each action of the workflow is posted. Accepting and deciding take more than a
# reason, so the page draws their forms itself; amendment has no page yet.
ACTION_URLS = {
    "accept": "market:contract_accept",
    "register": "market:contract_decide",
    "refuse": "market:contract_decide",
    "withdraw": "market:contract_cancel",
    "cancel": "market:contract_cancel",
}
ON_BUTTONS = ("withdraw", "cancel")  # a reason and a confirmation: the common buttons
DETAIL = "market:contract_detail"


def _contract(request: HttpRequest, pk: int) -> TechContract:
    return get_object_or_404(selectors.contract_list(user=request.user), pk=pk)


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    filterset = ContractFilter(
        request.GET or None, queryset=selectors.contract_list(user=request.user)
    )
    page = paginate(request, filterset.qs)
    role = role_of(request.user)
    return render(
        request,
        "market/contract_list.html",
        {
            "filter": filterset,
            "page": page,
            "can_submit": role in SUBMITTING_ROLES,
            "is_admin": role in ADMIN_ROLES,
        },
    )


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    actions = [
        {**a, "url": resolve_url(ACTION_URLS[a["name"]], pk=contract.pk)}
        for a in CONTRACT.actions(request.user, contract)
        if a["name"] in ACTION_URLS
    ]
    return render(
        request,
        "market/contract_detail.html",
        {
            "contract": contract,
            "deductions": contract.deductions.all(),
            "events": selectors.contract_events(user=request.user, contract=contract),
            "deadline": selectors.contract_deadline(contract),
            "tax": tax.benefits(contract),
            "actions": [a for a in actions if a["name"] in ON_BUTTONS],
            "action_names": {a["name"]: a for a in actions},
            "accept_form": forms.AcceptForm(),
            "decide_form": forms.DecideForm(),
        },
    )


@login_required
def contract_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    if contract.status != TechContract.Status.REGISTERED:
        raise Http404
    return render(
        request,
        "market/contract_certificate.html",
        {"contract": contract, "tax": tax.benefits(contract)},
    )


@login_required
def contract_submit(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) not in SUBMITTING_ROLES:
        raise PermissionDenied
    form = forms.ContractForm(request.POST or None, request.FILES or None)
    deductions = forms.DeductionFormSet(request.POST or None, prefix="deductions")
    if request.method == "POST" and form.is_valid() and deductions.is_valid():
        data: dict[str, Any] = dict(form.cleaned_data)
        items = [d for d in deductions.cleaned_data if d and d.get("amount")]
        try:
            contract = services.contract_submit(actor=request.user, data=data, deductions=items)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errs in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errs)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("合同已提交登记"))
            return redirect("market:contract_detail", pk=contract.pk)
    return render(request, "market/contract_form.html", {"form": form, "deductions": deductions})


@login_required
@require_POST
def contract_accept(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    form = forms.AcceptForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    return act(
        request,
        lambda: services.contract_accept(
            actor=request.user,
            contract=contract,
            on=data.get("accepted_on"),
            disputed=True if data.get("disputed") else None,
        ),
        done=_("已受理"),
        back=DETAIL,
        pk=pk,
    )


@login_required
@require_POST
def contract_decide(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择决定"))
        return redirect(DETAIL, pk=pk)
    data = form.cleaned_data
    register = data["decision"] == "register"
    return act(
        request,
        lambda: services.contract_decide(
            actor=request.user,
            contract=contract,
            register=register,
            ground=data.get("ground") or "",
            reason=data.get("reason") or "",
        ),
        done=_("已准予登记") if register else _("已决定不予登记"),
        back=DETAIL,
        pk=pk,
    )


@login_required
@require_POST
def contract_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    form = forms.CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    withdraw = CONTRACT.may(request.user, contract, "withdraw")
    return act(
        request,
        lambda: services.contract_cancel(actor=request.user, contract=contract, reason=reason),
        done=_("已撤回") if withdraw else _("已注销"),
        back=DETAIL,
        pk=pk,
    )
