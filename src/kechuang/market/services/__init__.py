"""Writes of the technology market. Each service is one transaction with an audit entry."""

from kechuang.market.services.catalogue import (
    achievement_create,
    achievement_publish,
    achievement_update,
    demand_create,
    demand_update,
    transfer_create,
)
from kechuang.market.services.contracts import (
    allocate_number,
    can_register,
    contract_accept,
    contract_amend,
    contract_cancel,
    contract_decide,
    contract_register_existing,
    contract_submit,
    decision_due,
    needs_expert_review,
)

__all__ = [
    "achievement_create",
    "achievement_publish",
    "achievement_update",
    "allocate_number",
    "can_register",
    "contract_accept",
    "contract_amend",
    "contract_cancel",
    "contract_decide",
    "contract_register_existing",
    "contract_submit",
    "decision_due",
    "demand_create",
    "demand_update",
    "needs_expert_review",
    "transfer_create",
]
