"""Shapes of technology contracts in the API: what each operation returns or takes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from kechuang.core.api_support import ActionOut, Money


class ContractOut(Schema):
    id: int
    number: str | None
    title: str
    type: str
    subtype: str
    status: str
    city_id: str
    seller_name: str
    seller_kind: str
    seller_enterprise_id: int | None
    seller_institution_id: int | None
    seller_city_id: str | None
    buyer_name: str
    buyer_enterprise_id: int | None
    buyer_institution_id: int | None
    buyer_region_code: str
    buyer_country: str
    buyer_city_id: str | None
    turnover: Money
    tech_value: Money
    signed_on: dt.date
    effective_on: dt.date
    field_id: str
    ip_type: str
    plan_level: str
    accepted_on: dt.date | None
    decision_due: dt.date | None
    expert_review: bool
    registered_on: dt.date | None
    overdue: bool


class ContractDeductionOut(Schema):
    kind: str
    description: str
    amount: Money


class ContractEventOut(Schema):
    kind: str
    at: dt.datetime
    actor_id: int | None
    ground: str
    reason: str
    data: dict[str, Any]


class ContractTaxOut(Schema):
    vat_exempt: bool
    vat_conditional: bool
    eit_applicable: bool
    eit_exempt_part: Money
    eit_half_rate_part: Money
    pit_half_on_rewards: bool


class ContractDetail(ContractOut):
    deductions: list[ContractDeductionOut]
    events: list[ContractEventOut]
    tax: ContractTaxOut
    actions: list[ActionOut]


class ContractStatRow(Schema):
    type: str | None = None
    field: str | None = None
    seller_kind: str | None = None
    city: str | None = None
    count: int
    turnover: Money
    tech_value: Money
    avg_tech_value: Money | None
    prior_count: int
    prior_turnover: Money
    prior_tech_value: Money
    yoy_count: float | None
    yoy_turnover: float | None
    yoy_tech_value: float | None
