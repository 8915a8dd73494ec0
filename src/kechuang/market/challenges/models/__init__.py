"""Models of the challenge lists (揭榜挂帅): calls, demands, lists, challenges, bids and
agreements (`lists`), and the expert reviews of bids (`reviews`).
"""

from kechuang.market.challenges.models.lists import (
    EVERY_ROW,
    PUBLISHED_BATCH,
    Affiliation,
    Challenge,
    ChallengeAgreement,
    ChallengeBid,
    ChallengeCall,
    ChallengeDemand,
    ChallengeListBatch,
    yuan,
)
from kechuang.market.challenges.models.reviews import BidReview

__all__ = [
    "EVERY_ROW",
    "PUBLISHED_BATCH",
    "Affiliation",
    "BidReview",
    "Challenge",
    "ChallengeAgreement",
    "ChallengeBid",
    "ChallengeCall",
    "ChallengeDemand",
    "ChallengeListBatch",
    "yuan",
]
