"""Every model of the market, so that Django registers them under the app label `market`.

The models live in their sub-domains (`contracts`, `catalogue`, `challenges`, `projects`,
`activities`); this module only gathers them.
"""

from kechuang.market.activities.models import (
    Broker,
    EventOutcome,
    EventParticipant,
    MatchmakingActivity,
    Organiser,
    TrainingAttendance,
    TrainingSession,
)
from kechuang.market.catalogue.models import (
    CATALOGUE_EVENT_KINDS,
    Achievement,
    AchievementTransfer,
    CatalogueEvent,
    TechDemand,
)
from kechuang.market.challenges.models import (
    Affiliation,
    BidReview,
    Challenge,
    ChallengeAgreement,
    ChallengeBid,
    ChallengeCall,
    ChallengeDemand,
    ChallengeListBatch,
)
from kechuang.market.contracts.models import (
    EVENT_KINDS,
    EXPERT_REVIEW_THRESHOLD,
    REFUSAL_GROUNDS,
    ContractDeduction,
    ContractEvent,
    RegistrationCounter,
    RegistrationOffice,
    TechContract,
)
from kechuang.market.projects.models import CHALLENGE_EVENT_KINDS, ChallengeEvent, PlanProject

__all__ = [
    "CATALOGUE_EVENT_KINDS",
    "CHALLENGE_EVENT_KINDS",
    "EVENT_KINDS",
    "EXPERT_REVIEW_THRESHOLD",
    "REFUSAL_GROUNDS",
    "Achievement",
    "AchievementTransfer",
    "Affiliation",
    "BidReview",
    "Broker",
    "CatalogueEvent",
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
