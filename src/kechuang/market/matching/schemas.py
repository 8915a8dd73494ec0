"""Shapes of matching in the API: what each operation returns or takes."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from kechuang.core.api_support import Money


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
