"""The contract statistics page, and the Excel export and import of contracts."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.core.models import Region, TechField
from kechuang.core.views_jobs import export_page
from kechuang.market import excel, importing, selectors, stats
from kechuang.market.filters import ContractFilter
from kechuang.market.forms import ImportForm
from kechuang.market.models import TechContract

EXPORT_LIMIT = 100_000
DIMENSION_CHOICES = [
    ("type", gettext_lazy("合同类型")),
    ("field", gettext_lazy("技术领域")),
    ("seller_kind", gettext_lazy("卖方类型")),
    ("city", gettext_lazy("登记地(市)")),
    ("ip_type", gettext_lazy("知识产权类型")),
    ("plan_level", gettext_lazy("政府计划类别")),
]


class StatsForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("登记日期起"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("登记日期止"), widget=forms.DateInput(attrs={"type": "date"})
    )
    by = forms.MultipleChoiceField(
        label=gettext_lazy("分组"),
        choices=DIMENSION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("截止日期不能早于起始日期"))
        return data


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
    form = StatsForm(request.GET or {"start": default.start, "end": default.end, "by": ["type"]})
    period, by = default, ["type"]
    if form.is_valid():
        period = stats.Period(form.cleaned_data["start"], form.cleaned_data["end"])
        by = form.cleaned_data["by"]
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
        "market/contract_stats.html",
        {
            "form": form,
            "period": period,
            "prior": period.prior(),
            "by_labels": [str(dict(DIMENSION_CHOICES)[d]) for d in by],
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
    return render(request, "market/contract_import.html", {"form": form, "outcome": outcome})
