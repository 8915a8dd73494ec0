"""Contract pages: list, detail (events, deadline, tax flags), certificate, submit, review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core.roles import ADMIN_ROLES, Role
from kechuang.core.scoping import role_of
from kechuang.market import forms, selectors, services, tax
from kechuang.market.filters import ContractFilter
from kechuang.market.models import TechContract

PAGE_SIZE = 50
SUBMITTING_ROLES = {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE, Role.INSTITUTION}


def _contract(request: HttpRequest, pk: int) -> TechContract:
    return get_object_or_404(selectors.contract_list(user=request.user), pk=pk)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    filterset = ContractFilter(
        request.GET or None, queryset=selectors.contract_list(user=request.user)
    )
    rows = filterset.qs
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
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
    registrar = services.can_register(request.user, contract)
    return render(
        request,
        "market/contract_detail.html",
        {
            "contract": contract,
            "deductions": contract.deductions.all(),
            "events": selectors.contract_events(user=request.user, contract=contract),
            "deadline": selectors.contract_deadline(contract),
            "tax": tax.benefits(contract),
            "registrar": registrar,
            "accept_form": forms.AcceptForm(),
            "decide_form": forms.DecideForm(),
            "cancel_form": forms.CancelForm(),
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


def _act(request: HttpRequest, pk: int, action: Any) -> HttpResponse:
    contract = _contract(request, pk)
    try:
        action(contract)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("market:contract_detail", pk=contract.pk)


@login_required
@require_POST
def contract_accept(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.AcceptForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda c: services.contract_accept(
            actor=request.user,
            contract=c,
            on=data.get("accepted_on"),
            disputed=True if data.get("disputed") else None,
        ),
    )


@login_required
@require_POST
def contract_decide(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择决定"))
        return redirect("market:contract_detail", pk=pk)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda c: services.contract_decide(
            actor=request.user,
            contract=c,
            register=data["decision"] == "register",
            ground=data.get("ground") or "",
            reason=data.get("reason") or "",
        ),
    )


@login_required
@require_POST
def contract_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        lambda c: services.contract_cancel(actor=request.user, contract=c, reason=reason),
    )
