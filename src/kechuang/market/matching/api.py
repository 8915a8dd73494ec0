"""Matching in the REST API: the matches of a demand or an achievement, each with its reasons.

Readable by whoever may read the demand or the achievement (anonymously for public ones); the
matches hold only records the caller may see. Unknown or hidden records answer 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from kechuang.core.api_support import actor, path_id, public_read
from kechuang.market.matching import engine, selectors
from kechuang.market.matching.schemas import AchievementMatchesOut, DemandMatchesOut
from kechuang.market.matching.views import explain

router = Router(tags=["market"])
Limit = Query(10, ge=1, le=50, description="每类最多返回条数")


def _why(m: engine.Match) -> dict[str, Any]:
    return {
        "score": m.score,
        "bm25": m.bm25,
        "field_match": m.field_match,
        "industry_affinity": m.industry_affinity,
        "terms": [{"term": t.term, "score": t.score} for t in m.terms],
        "components": explain(m),
    }


@router.get(
    "/demands/{demand_id}/matches",
    **public_read("技术需求的匹配成果、高校院所与专家", DemandMatchesOut),
)
def demand_matches(
    request: HttpRequest,
    demand_id: int = path_id("需求ID"),
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
    **public_read("科技成果的匹配需求与企业", AchievementMatchesOut),
)
def achievement_matches(
    request: HttpRequest,
    achievement_id: int = path_id("成果ID"),
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
