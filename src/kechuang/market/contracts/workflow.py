"""Registration of a technology contract (技术合同认定登记), as the registration rules run it.

1. The seller side (for a technology import, the domestic buyer) submits the contract to the
   registration office of its city (提交登记); until it is accepted it may withdraw it (撤回).
2. The office accepts the file (受理): the decision is due within 15 working days.
3. A contract that is disputed, or whose technology value reaches 5 million yuan, goes to
   expert review (转专家审查): the decision is then due within 30 working days of acceptance.
4. The office decides: it registers the contract (准予登记), which allocates the registration
   number, or refuses it (不予登记) on one of the refusal grounds of the rules.
5. A registered contract may be amended (变更登记; its number stays) and, like a pending
   one, cancelled by the office (注销; a reason is required, the number stays taken).

The registrar is the registration office of the contract's city: the city bureau's admins,
or the province's, whose office registers for every city.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from kechuang.core import calendar, scoping
from kechuang.core.roles import Role
from kechuang.core.workflow import May, Transition, Workflow, acts_for, province
from kechuang.market.contracts.models import EXPERT_REVIEW_THRESHOLD, ContractEvent, TechContract

S = TechContract.Status
REVIEW_DAYS = 15
EXPERT_REVIEW_DAYS = 30


def _city_office(user: Any, contract: TechContract) -> bool:
    return scoping.role_of(user) == Role.CITY_ADMIN and user.city_id == contract.city_id


registrar = May((province | May(_city_office)).test, "registrar")


def _submitting_party(user: Any, contract: TechContract) -> bool:
    side = "buyer" if contract.is_import else "seller"
    return acts_for(user, getattr(contract, f"{side}_enterprise_id"), Role.ENTERPRISE) or acts_for(
        user, getattr(contract, f"{side}_institution_id"), Role.INSTITUTION
    )


submitting_party = May(_submitting_party, "submitting party")


def decision_due(accepted_on: dt.date, *, expert_review: bool) -> dt.date:
    days = EXPERT_REVIEW_DAYS if expert_review else REVIEW_DAYS
    return calendar.add_workdays(accepted_on, days)


def needs_expert_review(contract: TechContract) -> bool:
    return bool(contract.disputed or (contract.tech_value or 0) >= EXPERT_REVIEW_THRESHOLD)


def _due_after_acceptance(expert_review: bool) -> Callable[[TechContract, dt.date], None]:
    """The decision is due so many working days after the file was accepted."""

    def rule(contract: TechContract, on: dt.date) -> None:
        contract.decision_due = decision_due(
            contract.accepted_on or on, expert_review=expert_review
        )

    return rule


def _expert_review_applies(contract: TechContract) -> str:
    return "" if needs_expert_review(contract) else str(_("合同未达到专家审查的条件"))


def _emit(kind: str, *, actor: Any, obj: TechContract, reason: str = "", **data: Any) -> Any:
    if kind == "accepted":
        data.setdefault("due", obj.decision_due)  # the acceptance notice states the deadline
    return ContractEvent.emit(kind, actor=actor, reason=reason, contract=obj, **data)


CONTRACT = Workflow(
    TechContract,
    [
        Transition(
            "accept",
            _("受理"),
            (S.SUBMITTED,),
            S.ACCEPTED,
            registrar,
            "accepted",
            deadline=_due_after_acceptance(False),
        ),
        Transition(
            "refer",
            _("转专家审查"),
            (S.ACCEPTED,),
            S.EXPERT_REVIEW,
            registrar,
            "expert_review",
            deadline=_due_after_acceptance(True),
            guard=_expert_review_applies,
        ),
        Transition(
            "register",
            _("准予登记"),
            (S.ACCEPTED, S.EXPERT_REVIEW),
            S.REGISTERED,
            registrar,
            "registered",
            confirm=_("确定准予登记?将分配登记号,决定不可撤回。"),
        ),
        Transition(
            "refuse",
            _("不予登记"),
            (S.ACCEPTED, S.EXPERT_REVIEW),
            S.REFUSED,
            registrar,
            "refused",
            confirm=_("确定不予登记?决定不可撤回。"),
            style="danger",
        ),
        Transition("amend", _("变更登记"), (S.REGISTERED,), None, registrar, "amended"),
        Transition(
            "withdraw",
            _("撤回"),
            (S.SUBMITTED,),
            S.CANCELLED,
            submitting_party,
            "cancelled",
            reason=True,
            confirm=_("确定撤回该登记申请?"),
            style="secondary",
        ),
        Transition(
            "cancel",
            _("注销"),
            (S.SUBMITTED, S.ACCEPTED, S.EXPERT_REVIEW, S.REGISTERED),
            S.CANCELLED,
            registrar,
            "cancelled",
            reason=True,
            confirm=_("确定注销该合同登记?注销后不可恢复。"),
            style="danger",
        ),
    ],
    emit=_emit,
    name="market.techcontract",
)
