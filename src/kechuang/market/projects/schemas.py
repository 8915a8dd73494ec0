"""Shapes of plan projects in the API: what each operation returns or takes."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from kechuang.core.api_support import ActionOut, Money
from kechuang.market.challenges.schemas import ChallengeEventOut


class PlanProjectOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    challenge_id: int | None
    platform_id: int | None
    lead_enterprise_id: int | None
    lead_institution_id: int | None
    lead_name: str
    city_id: str
    status: str
    applied_on: dt.date
    approved_on: dt.date | None
    budget: Money | None
    concluded_on: dt.date | None


class PlanProjectDetail(PlanProjectOut):
    events: list[ChallengeEventOut]
    actions: list[ActionOut]
