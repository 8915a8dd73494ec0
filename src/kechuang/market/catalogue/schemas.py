"""Shapes of the catalogue in the API: what each operation returns or takes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from kechuang.core import personal
from kechuang.core.api_support import ActionOut, Money, actor


class AchievementOut(Schema):
    id: int
    title: str
    abstract: str
    keywords: str
    institution_id: int
    institution_name: str
    field_id: str
    trl: int
    ip_type: str
    ownership_granted: bool
    separate_management: bool
    use_first_pay_later: bool
    licence_terms: str
    status: str
    published_on: dt.date | None

    @staticmethod
    def resolve_institution_name(obj: Any) -> str:
        return str(obj.institution.name)


class AchievementDetail(AchievementOut):
    contact: str | None  # masked (张*) to other readers, null to anonymous ones
    actions: list[ActionOut]

    @staticmethod
    def resolve_contact(obj: Any, context: Any) -> str | None:
        return personal.value(actor(context["request"]), obj, "contact")


class TransferOut(Schema):
    id: int
    title: str
    institution_id: int
    achievement_id: int | None
    enterprise_id: int | None
    enterprise_name: str
    in_province: bool
    mode: str
    amount: Money
    transferred_on: dt.date
    contract_id: int | None


class DemandOut(Schema):
    id: int
    title: str
    enterprise_id: int
    problem: str
    targets: str
    budget: Money | None
    deadline: dt.date | None
    field_id: str
    is_public: bool
    status: str
