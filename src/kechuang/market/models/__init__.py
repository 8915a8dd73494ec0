from kechuang.market.models.achievements import Achievement, AchievementTransfer, TechDemand
from kechuang.market.models.activities import (
    Broker,
    EventOutcome,
    EventParticipant,
    MatchmakingActivity,
    Organiser,
    TrainingAttendance,
    TrainingSession,
)
from kechuang.market.models.challenges import (
    Affiliation,
    Challenge,
    ChallengeAgreement,
    ChallengeBid,
    ChallengeCall,
    ChallengeDemand,
    ChallengeListBatch,
)
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
from kechuang.market.models.projects import CHALLENGE_EVENT_KINDS, ChallengeEvent, PlanProject
from kechuang.market.models.reviews import BidReview

__all__ = [
    "CHALLENGE_EVENT_KINDS",
    "EVENT_KINDS",
    "EXPERT_REVIEW_THRESHOLD",
    "REFUSAL_GROUNDS",
    "Achievement",
    "AchievementTransfer",
    "Affiliation",
    "BidReview",
    "Broker",
    "Challenge",
    "ChallengeAgreement",
    "ChallengeBid",
    "ChallengeCall",
    "ChallengeDemand",
    "ChallengeEvent",
    "ChallengeListBatch",
    "ContractDeduction",
    "ContractEvent",
    "EventOutcome",
    "EventParticipant",
    "MatchmakingActivity",
    "Organiser",
    "PlanProject",
    "RegistrationCounter",
    "RegistrationOffice",
    "TechContract",
    "TechDemand",
    "TrainingAttendance",
    "TrainingSession",
]
