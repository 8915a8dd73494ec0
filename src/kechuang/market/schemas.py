"""Shapes of the technology market's API: what each operation returns or takes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from kechuang.core.api_support import ActionOut, Money, MoneyIn


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


# --- challenge lists and plan projects ------------------------------------------------------

SolverKind = Literal["enterprise", "university", "institute", "new_rd"]
EventKind = Literal["roadshow", "matchmaking", "bank_enterprise"]
OrganiserKind = Literal["province", "city_bureau", "service", "institution", "enterprise", "bank"]


class ChallengeCallOut(Schema):
    id: int
    title: str
    theme: str
    description: str
    opens_on: dt.date
    closes_on: dt.date


class ChallengeDemandOut(Schema):
    id: int
    call_id: int
    enterprise_id: int
    enterprise_name: str
    title: str
    need: str
    targets: str
    budget: Money | None
    field_id: str
    status: str

    @staticmethod
    def resolve_enterprise_name(obj: Any) -> str:
        return str(obj.enterprise.name)


class ChallengeOut(Schema):
    id: int
    batch_id: int
    issuer_id: int
    issuer_name: str
    title: str
    need: str
    targets: str
    budget_cap: Money
    deadline: dt.date
    field_id: str
    status: str

    @staticmethod
    def resolve_issuer_name(obj: Any) -> str:
        # A detail is assembled as a dict that already holds the name.
        return str(obj["issuer_name"] if isinstance(obj, dict) else obj.issuer.name)


class ChallengeListOut(Schema):
    id: int
    title: str
    call_id: int | None
    status: str
    published_on: dt.date | None


class ChallengeListDetail(ChallengeListOut):
    challenges: list[ChallengeOut]
    actions: list[ActionOut]


class ChallengeEventOut(Schema):
    kind: str
    at: dt.datetime
    actor_id: int | None
    reason: str
    data: dict[str, Any]


class ChallengeAgreementOut(Schema):
    bid_id: int
    signed_on: dt.date
    amount: Money


class ChallengeDetail(ChallengeOut):
    agreement: ChallengeAgreementOut | None
    plan_project_id: int | None
    events: list[ChallengeEventOut]
    actions: list[ActionOut]


class ChallengeBidOut(Schema):
    id: int
    challenge_id: int
    solver_enterprise_id: int | None
    solver_institution_id: int | None
    solver_name: str
    solver_kind: str
    solver_country: str
    proposal: str
    price: Money | None
    status: str
    created_at: dt.datetime


class ChallengeBidIn(Schema):
    """A bid. Enterprises and institutions bid for themselves; the province names the
    solver: a registered organisation by its code, or an outside party."""

    challenge_id: int = Field(..., ge=1, le=2**63 - 1)
    proposal: str = Field(..., min_length=1, max_length=5000)
    team: str = Field("", max_length=5000)
    price: MoneyIn | None = None
    solver_uscc: str = Field("", max_length=30)
    solver_name: str = Field("", max_length=200)
    solver_kind: SolverKind | None = None
    solver_country: str = Field("CN", pattern=r"^[A-Za-z]{2}$")


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


# --- events, brokers, training ---------------------------------------------------------------


class MarketEventOut(Schema):
    id: int
    kind: str
    title: str
    held_on: dt.date
    city_id: str
    venue: str
    organiser_kind: str
    organiser_name: str
    organiser_service_id: int | None
    organiser_institution_id: int | None
    organiser_enterprise_id: int | None
    organiser_bank_id: int | None


class EventParticipantOut(Schema):
    name: str
    enterprise_id: int | None
    institution_id: int | None
    service_institution_id: int | None
    bank_id: int | None


class EventOutcomeOut(Schema):
    kind: str
    title: str
    parties: str
    amount: Money | None
    contract_id: int | None
    contract_number: str | None

    @staticmethod
    def resolve_contract_number(obj: Any) -> str | None:
        return obj.contract.number if obj.contract_id else None


class MarketEventDetail(MarketEventOut):
    description: str
    participants: list[EventParticipantOut]
    outcomes: list[EventOutcomeOut]


class MarketEventIn(Schema):
    """An event. A service institution organises its own; a city bureau's are in its city;
    the province names any organiser (a registered one by its code)."""

    kind: EventKind
    title: str = Field(..., min_length=1, max_length=200)
    held_on: dt.date
    city_id: str | None = Field(None, pattern=r"^[0-9A-Z]{6}$")
    venue: str = Field("", max_length=200)
    description: str = Field("", max_length=5000)
    organiser_kind: OrganiserKind | None = None
    organiser_uscc: str = Field("", max_length=30)


class BrokerOut(Schema):
    id: int
    name: str
    series: str
    level: str
    service_institution_id: int | None
    institution_id: int | None
    employer_name: str
    city_id: str
    certified_on: dt.date

    @staticmethod
    def resolve_employer_name(obj: Any) -> str:
        return str(obj.employer)


class TrainingSessionOut(Schema):
    id: int
    kind: str
    topic: str
    starts_on: dt.date
    ends_on: dt.date
    city_id: str
    organiser_kind: str
    organiser_name: str
    attendees: int

    @staticmethod
    def resolve_attendees(obj: Any) -> int:
        return int(obj.attendee_count)


class TrainingCountOut(Schema):
    start: dt.date
    end: dt.date
    sessions: int
    trained: int
    passed: int
    cumulative: int
