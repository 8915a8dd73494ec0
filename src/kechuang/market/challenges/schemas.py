"""Shapes of the challenge lists in the API: what each operation returns or takes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from kechuang.core.api_support import ActionOut, Money, MoneyIn

# --- challenge lists and plan projects ------------------------------------------------------

SolverKind = Literal["enterprise", "university", "institute", "new_rd"]


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


class BidReviewOut(Schema):
    id: int
    challenge_id: int
    challenge_title: str = Field(validation_alias="challenge.title")
    targets: str = Field(validation_alias="challenge.targets")
    bid_id: int
    solver_name: str = Field(validation_alias="bid.solver_name")
    proposal: str = Field(validation_alias="bid.proposal")
    price: Money | None = Field(validation_alias="bid.price")
    score: int | None
    opinion: str
    reviewed_on: dt.date | None
    status: str


class BidReviewIn(Schema):
    score: int = Field(ge=0, le=100, description="评分(0–100)")
    opinion: str = Field(min_length=1, max_length=5000, description="评审意见")


class ReviewAssignIn(Schema):
    expert_id: int = Field(ge=1, le=2**63 - 1, description="评审专家(专家用户ID)")
    bid_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="揭榜申请ID;不填则为全部未撤回的揭榜申请"
    )


class ReviewCloseIn(Schema):
    reason: str = Field(max_length=2000, description="结束评审的理由")


class ReviewCloseOut(Schema):
    challenge_id: int
    review_closed_on: dt.date
    pending: int = Field(description="结束时尚未提交的评审意见份数")
