"""Matches for a demand or an achievement, among the records the acting user may see.

The engine ranks over every record of the index; each candidate it proposes is then checked
against the market and registry selectors (core.scoping decides), so a private demand of
another enterprise, or a draft of another institution, never comes back. Only published
achievements are offered for a demand, only open demands for an achievement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from kechuang.market.catalogue import selectors as catalogue_selectors
from kechuang.market.catalogue.models import Achievement, TechDemand
from kechuang.market.matching import engine, index
from kechuang.registry import selectors as registry
from kechuang.registry.models import Enterprise, Institution, Person

POOL = 50  # candidates looked at to rank institutions, experts and enterprises
LIMIT = 10
# Standing of a person as a reviewer of a demand, besides the relevance of its institution.
TITLE_WEIGHT: dict[str, float] = {
    Person.Title.CAS: 0.3,
    Person.Title.CAE: 0.3,
    Person.Title.FOREIGN_ACADEMICIAN: 0.25,
    Person.Title.NATIONAL_TALENT: 0.2,
    Person.Title.PROVINCIAL_TALENT: 0.1,
}

# Enterprises with their own R&D institution come first among those matched by industry alone.
RD_RANK: dict[str, int] = {
    Enterprise.RDLevel.NATIONAL: 3,
    Enterprise.RDLevel.PROVINCIAL: 2,
    Enterprise.RDLevel.CITY: 1,
}


@dataclass(frozen=True)
class AchievementMatch:
    achievement: Achievement
    match: engine.Match


@dataclass(frozen=True)
class DemandMatch:
    demand: TechDemand
    match: engine.Match


@dataclass(frozen=True)
class InstitutionMatch:
    institution: Institution
    score: float
    achievements: list[AchievementMatch]  # its matching achievements, best first
    field_match: bool


@dataclass(frozen=True)
class ExpertMatch:
    person: Person
    score: float
    field_match: bool
    institution_score: float  # relevance of the achievements of the person's institution
    title_score: float


@dataclass(frozen=True)
class EnterpriseMatch:
    enterprise: Enterprise
    score: float
    industry_affinity: float
    demands: list[DemandMatch] = field(default_factory=list)  # its matching open demands


@dataclass(frozen=True)
class DemandMatches:
    demand: TechDemand
    achievements: list[AchievementMatch]
    institutions: list[InstitutionMatch]
    experts: list[ExpertMatch]


@dataclass(frozen=True)
class AchievementMatches:
    achievement: Achievement
    demands: list[DemandMatch]
    enterprises: list[EnterpriseMatch]


class _Visible:
    """The engine's `allow`: keeps the keys the queryset holds, and the objects it fetched."""

    def __init__(self, queryset: QuerySet[Any]) -> None:
        self.queryset = queryset
        self.objects: dict[int, Any] = {}

    def __call__(self, keys: list[int]) -> Collection[int]:
        found = {obj.pk: obj for obj in self.queryset.filter(pk__in=keys)}
        self.objects.update(found)
        return found.keys()


def demand_query(demand: TechDemand) -> engine.Item:
    return index.demand_item(
        pk=demand.pk,
        title=demand.title,
        problem=demand.problem,
        targets=demand.targets,
        field_id=demand.field_id,
        industry_id=demand.enterprise.industry_id,
        budget=demand.budget,
        deadline=demand.deadline,
    )


def achievement_query(achievement: Achievement) -> engine.Item:
    return index.achievement_item(
        pk=achievement.pk,
        title=achievement.title,
        keywords=achievement.keywords,
        abstract=achievement.abstract,
        field_id=achievement.field_id,
        trl=achievement.trl,
    )


def demand_matches(
    *, user: Any, pk: int, limit: int = LIMIT, today: dt.date | None = None
) -> DemandMatches:
    """Published achievements, their institutions and experts of the field, for one demand.
    Raises TechDemand.DoesNotExist when the demand is not there or not visible to `user`."""
    demand = catalogue_selectors.demand_get(user=user, pk=pk)
    visible = _Visible(catalogue_selectors.achievement_catalogue(user=user))
    found = index.achievement_index().search(
        demand_query(demand),
        k=max(limit, POOL),
        weights=engine.FOR_DEMAND,
        today=today or timezone.localdate(),
        allow=visible,
    )
    pool = [AchievementMatch(visible.objects[m.key], m) for m in found]
    institutions = _institutions(user, pool, demand.field_id)
    return DemandMatches(
        demand=demand,
        achievements=pool[:limit],
        institutions=institutions[:limit],
        experts=_experts(user, demand.field_id, institutions, limit),
    )


def achievement_matches(
    *, user: Any, pk: int, limit: int = LIMIT, today: dt.date | None = None
) -> AchievementMatches:
    """Open demands and enterprises for one achievement.
    Raises Achievement.DoesNotExist when the achievement is not there or not visible."""
    achievement = catalogue_selectors.achievement_get(user=user, pk=pk)
    visible = _Visible(
        catalogue_selectors.demand_list(user=user).filter(status=TechDemand.Status.OPEN)
    )
    found = index.demand_index().search(
        achievement_query(achievement),
        k=max(limit, POOL),
        weights=engine.FOR_ACHIEVEMENT,
        today=today or timezone.localdate(),
        allow=visible,
    )
    pool = [DemandMatch(visible.objects[m.key], m) for m in found]
    return AchievementMatches(
        achievement=achievement,
        demands=pool[:limit],
        enterprises=_enterprises(user, achievement.field_id, pool, limit),
    )


def _institutions(user: Any, pool: list[AchievementMatch], field_id: str) -> list[InstitutionMatch]:
    by_institution: dict[int, list[AchievementMatch]] = {}
    for m in pool:
        by_institution.setdefault(m.achievement.institution_id, []).append(m)
    shown = registry.institution_list(user=user).in_bulk(list(by_institution))
    out = []
    for pk, matches in by_institution.items():
        if pk not in shown:
            continue
        # The best result counts fully, every further one a little: breadth, not volume.
        score = matches[0].match.score + 0.1 * sum(m.match.score for m in matches[1:4])
        out.append(
            InstitutionMatch(
                institution=shown[pk],
                score=round(score, 4),
                achievements=matches,
                field_match=any(m.achievement.field_id == field_id for m in matches),
            )
        )
    out.sort(key=lambda i: (-i.score, i.institution.pk))
    return out


def _experts(
    user: Any, field_id: str, institutions: list[InstitutionMatch], limit: int
) -> list[ExpertMatch]:
    """People of the demand's field: those at the institutions that match, and titled ones."""
    relevance = {i.institution.pk: i.score for i in institutions}
    people = (
        registry.person_list(user=user)
        .filter(field_id=field_id)
        .filter(Q(institution_id__in=list(relevance)) | ~Q(title=""))
        .annotate(
            standing=Case(
                *(When(title=t, then=Value(int(w * 100))) for t, w in TITLE_WEIGHT.items()),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-standing", "pk")[: max(limit * 20, 200)]
    )
    out = []
    for p in people:
        inst = relevance.get(p.institution_id or 0, 0.0)
        title = TITLE_WEIGHT.get(p.title, 0.0)
        out.append(
            ExpertMatch(
                person=p,
                score=round(0.7 * inst + title, 4),
                field_match=True,
                institution_score=inst,
                title_score=title,
            )
        )
    out.sort(key=lambda e: (-e.score, e.person.pk))
    return out[:limit]


def _enterprises(
    user: Any, field_id: str, pool: list[DemandMatch], limit: int
) -> list[EnterpriseMatch]:
    """Enterprises behind the matching demands, then (for users who may see the register)
    enterprises of the divisions that take up the achievement's field most."""
    signals = engine.default_signals()
    by_enterprise: dict[int, list[DemandMatch]] = {}
    for m in pool:
        by_enterprise.setdefault(m.demand.enterprise_id, []).append(m)
    out = []
    for matches in by_enterprise.values():
        firm = matches[0].demand.enterprise
        out.append(
            EnterpriseMatch(
                enterprise=firm,
                score=matches[0].match.score,
                industry_affinity=signals.industry_affinity(field_id, firm.industry_id),
                demands=matches,
            )
        )
    out.sort(key=lambda e: (-e.score, e.enterprise.pk))
    out = out[:limit]
    divisions = sorted(signals.affinity.get(field_id, {}).items(), key=lambda kv: (-kv[1], kv[0]))
    register = (
        registry.enterprise_list(user=user)
        .exclude(pk__in=list(by_enterprise))
        .annotate(
            rd_rank=Case(
                *(When(rd_institution_level=v, then=Value(r)) for v, r in RD_RANK.items()),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    )
    for division, affinity in divisions:
        if len(out) >= limit:
            break
        # Without a demand, industry is the only signal: a weaker match than any text match.
        firms = register.filter(industry_id=division).order_by("-rd_rank", "pk")
        for firm in firms[: limit - len(out)]:
            out.append(
                EnterpriseMatch(
                    enterprise=firm,
                    score=round(engine.FOR_ACHIEVEMENT.industry * affinity, 4),
                    industry_affinity=affinity,
                )
            )
    return out
