from kechuang.market.models.achievements import Achievement, AchievementTransfer, TechDemand
from kechuang.market.models.contracts import (
    EVENT_KINDS,
    EXPERT_REVIEW_THRESHOLD,
    REFUSAL_GROUNDS,
    ContractDeduction,
    ContractEvent,
    RegistrationCounter,
    RegistrationOffice,
    TechContract,
)

__all__ = [
    "EVENT_KINDS",
    "EXPERT_REVIEW_THRESHOLD",
    "REFUSAL_GROUNDS",
    "Achievement",
    "AchievementTransfer",
    "ContractDeduction",
    "ContractEvent",
    "RegistrationCounter",
    "RegistrationOffice",
    "TechContract",
    "TechDemand",
]
