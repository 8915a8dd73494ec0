"""Matching in the REST API: the matches of a demand or an achievement, each with its reasons.

Readable by whoever may read the demand or the achievement (anonymously for public ones); the
matches hold only records the caller may see. Unknown or hidden records answer 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from kechuang.core.api_support import ERRORS, PUBLIC_READ, PUBLIC_READ_EXTRA, Money, actor
from kechuang.market.matching import engine, selectors
from kechuang.market.matching.views import explain

router = Router(tags=["market"])
ID_MAX = 2**63 - 1
Limit = Query(10, ge=1, le=50, description="每类最多返回条数")


class TermOut(Schema):
    term: str
    score: float  # its share of the BM25 score


class ComponentOut(Schema):
    name: str
    label: str
    value: float
    weight: float
    contribution: float


class WhyOut(Schema):
    score: float
    bm25: float
    field_match: bool
    industry_affinity: float
    terms: list[TermOut]
    components: list[ComponentOut]


class MatchedAchievementOut(Schema):
    id: int
    title: str
    institution_id: int
    institution_name: str
    field_id: str
    trl: int
    why: WhyOut


class MatchedInstitutionOut(Schema):
    id: int
    name: str
    score: float
    field_match: bool
    achievement_ids: list[int]


class MatchedExpertOut(Schema):
    id: int
    name: str
    institution_id: int | None
    title: str
    score: float
    field_match: bool
    institution_score: float


class DemandMatchesOut(Schema):
    demand_id: int
    achievements: list[MatchedAchievementOut]
    institutions: list[MatchedInstitutionOut]
    experts: list[MatchedExpertOut]


class MatchedDemandOut(Schema):
    id: int
    title: str
    enterprise_id: int
    enterprise_name: str
    field_id: str
    budget: Money | None
    deadline: dt.date | None
    why: WhyOut


class MatchedEnterpriseOut(Schema):
    id: int
    name: str
    industry_id: str | None
    score: float
    industry_affinity: float
    demand_ids: list[int]


class AchievementMatchesOut(Schema):
    achievement_id: int
    demands: list[MatchedDemandOut]
    enterprises: list[MatchedEnterpriseOut]


def _why(m: engine.Match) -> dict[str, Any]:
    return {
        "score": m.score,
        "bm25": m.bm25,
        "field_match": m.field_match,
        "industry_affinity": m.industry_affinity,
        "terms": [{"term": t.term, "score": t.score} for t in m.terms],
        "components": explain(m),
    }


def _read(summary: str, response: Any, operation_id: str) -> dict[str, Any]:
    return {
        "response": {200: response, **ERRORS},
        "auth": PUBLIC_READ,
        "openapi_extra": PUBLIC_READ_EXTRA,
        "summary": summary,
        "operation_id": operation_id,
    }


@router.get(
    "/demands/{demand_id}/matches",
    **_read("技术需求的匹配成果、高校院所与专家", DemandMatchesOut, "market_demand_matches"),
)
def demand_matches(
    request: HttpRequest,
    demand_id: int = Path(..., ge=1, le=ID_MAX, description="需求ID"),
    limit: int = Limit,
) -> Any:
    r = selectors.demand_matches(user=actor(request), pk=demand_id, limit=limit)
    return {
        "demand_id": r.demand.pk,
        "achievements": [
            {
                "id": m.achievement.pk,
                "title": m.achievement.title,
                "institution_id": m.achievement.institution_id,
                "institution_name": m.achievement.institution.name,
                "field_id": m.achievement.field_id,
                "trl": m.achievement.trl,
                "why": _why(m.match),
            }
            for m in r.achievements
        ],
        "institutions": [
            {
                "id": i.institution.pk,
                "name": i.institution.name,
                "score": i.score,
                "field_match": i.field_match,
                "achievement_ids": [a.achievement.pk for a in i.achievements],
            }
            for i in r.institutions
        ],
        "experts": [
            {
                "id": e.person.pk,
                "name": e.person.name,
                "institution_id": e.person.institution_id,
                "title": e.person.title,
                "score": e.score,
                "field_match": e.field_match,
                "institution_score": e.institution_score,
            }
            for e in r.experts
        ],
    }


@router.get(
    "/achievements/{achievement_id}/matches",
    **_read("科技成果的匹配需求与企业", AchievementMatchesOut, "market_achievement_matches"),
)
def achievement_matches(
    request: HttpRequest,
    achievement_id: int = Path(..., ge=1, le=ID_MAX, description="成果ID"),
    limit: int = Limit,
) -> Any:
    r = selectors.achievement_matches(user=actor(request), pk=achievement_id, limit=limit)
    return {
        "achievement_id": r.achievement.pk,
        "demands": [
            {
                "id": m.demand.pk,
                "title": m.demand.title,
                "enterprise_id": m.demand.enterprise_id,
                "enterprise_name": m.demand.enterprise.name,
                "field_id": m.demand.field_id,
                "budget": m.demand.budget,
                "deadline": m.demand.deadline,
                "why": _why(m.match),
            }
            for m in r.demands
        ],
        "enterprises": [
            {
                "id": e.enterprise.pk,
                "name": e.enterprise.name,
                "industry_id": e.enterprise.industry_id,
                "score": e.score,
                "industry_affinity": e.industry_affinity,
                "demand_ids": [d.demand.pk for d in e.demands],
            }
            for e in r.enterprises
        ],
    }
