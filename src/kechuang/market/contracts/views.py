"""Contract pages: list, detail (events, deadline, tax flags), certificate, submit, review;
the statistics page, and the Excel export and import of contracts.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kechuang.core.http import act, paginate
from kechuang.core.models import Region, TechField
from kechuang.core.roles import ADMIN_ROLES, Role
from kechuang.core.scoping import role_of
from kechuang.core.views_jobs import export_page
from kechuang.market.contracts import excel, forms, importing, selectors, services, stats, tax
from kechuang.market.contracts.filters import ContractFilter
from kechuang.market.contracts.forms import ImportForm
from kechuang.market.contracts.models import TechContract
from kechuang.market.contracts.workflow import CONTRACT

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
        "market/contracts/contract_list.html",
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
        "market/contracts/contract_detail.html",
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
    if not contract.is_registered:
        raise Http404
    return render(
        request,
        "market/contracts/contract_certificate.html",
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
    return render(
        request, "market/contracts/contract_form.html", {"form": form, "deductions": deductions}
    )


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


EXPORT_LIMIT = 100_000


def _labels() -> dict[str, dict[Any, str]]:
    return {
        "type": {k: str(v) for k, v in TechContract.Type.choices},
        "field": dict(TechField.objects.values_list("code", "name")),
        "seller_kind": {k: str(v) for k, v in TechContract.SellerKind.choices},
        "city": dict(Region.objects.values_list("code", "name")),
        "ip_type": {k: str(v) for k, v in TechContract.IPType.choices},
        "plan_level": {k: str(v) for k, v in TechContract.PlanLevel.choices},
    }


def _default_period() -> stats.Period:
    today = timezone.localdate()
    return stats.Period(dt.date(today.year, 1, 1), today)


@login_required
def contract_stats(request: HttpRequest) -> HttpResponse:
    default = _default_period()
    form = forms.StatsForm(
        request.GET or {"start": default.start, "end": default.end, "by": ["type"]}
    )
    period, by = default, ["type"]
    if form.is_valid():
        period = stats.Period(form.cleaned_data["start"], form.cleaned_data["end"])
        by = form.cleaned_data["by"]
    # A period asked for and refused: the page says why (on the form) over the default
    # period, and answers 400 so that a client sees its request was not answered.
    refused = bool(request.GET) and not form.is_valid()
    rows = stats.contract_stats(user=request.user, period=period, by=by)
    labels = _labels()
    for row in rows:
        row["labels"] = [labels[d].get(row[d], row[d] or "—") for d in by]
    totals = stats.contract_totals(user=request.user, period=period)
    flows = stats.contract_flows(user=request.user, period=period)
    cities = labels["city"]
    chart_rows = stats.contract_stats(user=request.user, period=period, by=["type"])
    chart = {
        "labels": [labels["type"].get(r["type"], r["type"]) for r in chart_rows],
        "current": [float(r["turnover"]) / 1e4 for r in chart_rows],
        "prior": [float(r["prior_turnover"]) / 1e4 for r in chart_rows],
        "names": [_("本期成交额(万元)"), _("上年同期(万元)")],
    }
    return render(
        request,
        "market/contracts/contract_stats.html",
        {
            "form": form,
            "period": period,
            "prior": period.prior(),
            "by_labels": [str(dict(forms.DIMENSION_CHOICES)[d]) for d in by],
            "rows": rows,
            "totals": totals,
            "outflow": [
                {**r, "city": cities.get(r["seller_city_id"], "—")} for r in flows["outflow"]
            ],
            "absorption": [
                {**r, "city": cities.get(r["buyer_city_id"], "—")} for r in flows["absorption"]
            ],
            "destination": [
                {**r, "label": stats.DESTINATIONS.get(r["destination"], r["destination"])}
                for r in flows["destination"]
            ],
            "largest": stats.largest_contracts(user=request.user, period=period, limit=5),
            "chart": chart,
        },
        status=400 if refused else 200,
    )


def contracts_of(user: Any, query: Any) -> Any:
    """The contracts `user` may see under the list's filters, ready to be written."""
    qs = ContractFilter(query or None, queryset=selectors.contract_list(user=user)).qs
    return qs.select_related(
        "seller_enterprise", "seller_institution", "buyer_enterprise", "buyer_institution"
    ).prefetch_related("deductions")


@login_required
def contract_export(request: HttpRequest) -> HttpResponse:
    """The workbook is written by a job; a CSV of up to EXPORT_LIMIT contracts at once."""
    if request.GET.get("format") != "csv":
        return export_page(
            request,
            "market.contracts",
            title=gettext_lazy("技术合同"),
            back=reverse("market:contract_list"),
        )
    data = excel.export_contracts(contracts_of(request.user, request.GET)[:EXPORT_LIMIT], "csv")
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contracts.csv"'
    return response


@login_required
def contract_import(request: HttpRequest) -> HttpResponse:
    if not importing.can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower() or ".xlsx"
        with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            outcome = importing.import_contracts(
                tmp.name,
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
                name=upload.name,
            )
    return render(
        request, "market/contracts/contract_import.html", {"form": form, "outcome": outcome}
    )
