"""Shapes of matchmaking activities, brokers and training in the API: what each operation
returns or takes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from kechuang.core.api_support import Money

EventKind = Literal["roadshow", "matchmaking", "bank_enterprise"]
OrganiserKind = Literal["province", "city_bureau", "service", "institution", "enterprise", "bank"]


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
