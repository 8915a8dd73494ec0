"""Models of technology contracts: the contracts (`contract`) and the registration offices
that number them (`registration`)."""

from kechuang.market.contracts.models.contract import (
    EVENT_KINDS,
    EXPERT_REVIEW_THRESHOLD,
    REFUSAL_GROUNDS,
    ContractDeduction,
    ContractEvent,
    TechContract,
)
from kechuang.market.contracts.models.registration import RegistrationCounter, RegistrationOffice

__all__ = [
    "EVENT_KINDS",
    "EXPERT_REVIEW_THRESHOLD",
    "REFUSAL_GROUNDS",
    "ContractDeduction",
    "ContractEvent",
    "RegistrationCounter",
    "RegistrationOffice",
    "TechContract",
]
