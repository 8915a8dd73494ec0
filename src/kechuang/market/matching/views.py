"""Pages of matching: the matches of a demand or an achievement, with why each one matched.

Each page is also the panel the detail page loads (htmx) into its "匹配" section.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kechuang.market.catalogue.models import Achievement, TechDemand
from kechuang.market.matching import engine, selectors
from kechuang.market.matching.labels import component_label


def explain(match: engine.Match) -> list[dict[str, Any]]:
    """The components of a match with their labels, for templates and the API."""
    return [
        {
            "name": c.name,
            "label": component_label(c.name),
            "value": c.value,
            "weight": c.weight,
            "contribution": c.contribution,
        }
        for c in match.components
    ]


def _panel(request: HttpRequest, page: str, panel: str, context: dict[str, Any]) -> HttpResponse:
    htmx = getattr(request, "htmx", None)
    return render(request, panel if htmx else page, context)


def demand_matches(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        result = selectors.demand_matches(user=request.user, pk=pk)
    except TechDemand.DoesNotExist as exc:
        raise Http404 from exc
    rows = [
        {"obj": m.achievement, "match": m.match, "parts": explain(m.match)}
        for m in result.achievements
    ]
    return _panel(
        request,
        "market/matching/demand_matches.html",
        "market/matching/_demand_panel.html",
        {"object": result.demand, "result": result, "rows": rows},
    )


def achievement_matches(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        result = selectors.achievement_matches(user=request.user, pk=pk)
    except Achievement.DoesNotExist as exc:
        raise Http404 from exc
    rows = [{"obj": m.demand, "match": m.match, "parts": explain(m.match)} for m in result.demands]
    return _panel(
        request,
        "market/matching/achievement_matches.html",
        "market/matching/_achievement_panel.html",
        {"object": result.achievement, "result": result, "rows": rows},
    )
