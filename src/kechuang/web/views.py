"""The home page: the registry in figures, as far as the visitor may see it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kechuang.core.models import Region
from kechuang.registry import selectors
from kechuang.registry.models import Platform


def city_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Enterprises by reporting unit: the 14 cities in code order, then the Shenfu zone."""
    counts = {r["city_id"]: r["n"] for r in rows}
    units = Region.objects.filter(code__in=counts).order_by("code")
    # Codes of cities are digits and sort before SHENFU, which belongs last.
    ordered = sorted(units, key=lambda u: (not u.code.isdigit(), u.code))
    return {
        "name": _("企业数"),
        "labels": [u.name for u in ordered],
        "values": [counts[u.code] for u in ordered],
    }


def industry_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Enterprises by GB/T 4754 section, the largest first; unknown industry last."""
    known = sorted(
        (r for r in rows if r["industry__parent_id"]),
        key=lambda r: (-r["n"], r["industry__parent_id"]),
    )
    unknown = sum(r["n"] for r in rows if not r["industry__parent_id"])
    labels = [r["industry__parent__name"] for r in known]
    values = [r["n"] for r in known]
    if unknown:
        labels.append(_("行业未填写"))
        values.append(unknown)
    return {"name": _("企业数"), "labels": labels, "values": values}


def platform_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Platforms by kind, in the order of `Platform.Kind`."""
    counts = {r["kind"]: r["n"] for r in rows}
    kinds = [(k, label) for k, label in Platform.Kind.choices if counts.get(k)]
    return {
        "name": _("平台数"),
        "labels": [str(label) for _k, label in kinds],
        "values": [counts[k] for k, _label in kinds],
    }


def home(request: HttpRequest) -> HttpResponse:
    counts = selectors.registry_counts(user=request.user)
    context: dict[str, Any] = {"counts": counts}
    # Enterprises are never public: anonymous visitors see only the public registers.
    if counts["enterprises"]:
        context["by_city"] = city_chart(selectors.counts_by_city(user=request.user))
        context["by_industry"] = industry_chart(
            selectors.counts_by_industry_section(user=request.user)
        )
    elif counts["platforms"]:
        # Platforms are public: the one chart a visitor who may see no enterprise gets.
        context["by_platform_kind"] = platform_chart(
            selectors.platform_counts_by_kind(user=request.user)
        )
    return render(request, "web/home.html", context)
