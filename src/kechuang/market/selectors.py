"""Reads of the technology market, restricted to what the acting user may see.

Contracts: the province sees all; a city bureau sees the contracts registered in its city
(the seller's city, or the domestic buyer's for an import) because that is the registration
work it does; a zone admin those sold by enterprises of its zone; an enterprise or an
institution the contracts where it is the seller or the buyer; banks and the public none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from kechuang.core import calendar, scoping
from kechuang.market.models import (
    Achievement,
    AchievementTransfer,
    Broker,
    Challenge,
    ChallengeAgreement,
    ChallengeBid,
    ChallengeCall,
    ChallengeDemand,
    ChallengeEvent,
    ChallengeListBatch,
    ContractEvent,
    EventOutcome,
    EventParticipant,
    MatchmakingActivity,
    PlanProject,
    TechContract,
    TechDemand,
    TrainingAttendance,
    TrainingSession,
)


def _overdue(today: dt.date) -> Case:
    return Case(
        When(
            Q(status__in=TechContract.OPEN_STATUSES, decision_due__lt=today),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def contract_list(*, user: Any, today: dt.date | None = None) -> QuerySet[TechContract]:
    """Visible contracts, each annotated with `overdue` (decision deadline passed)."""
    today = today or timezone.localdate()
    qs = TechContract.objects.select_related("city", "field", "office").annotate(
        overdue=_overdue(today)
    )
    return scoping.visible(qs, user)


def contract_get(*, user: Any, pk: int) -> TechContract:
    """Raises TechContract.DoesNotExist when it is not there or not visible."""
    return (
        contract_list(user=user)
        .select_related(
            "seller_enterprise", "seller_institution", "buyer_enterprise", "buyer_institution"
        )
        .get(pk=pk)
    )


def contract_events(*, user: Any, contract: TechContract) -> QuerySet[ContractEvent]:
    if not scoping.can_view(user, contract):
        return ContractEvent.objects.none()
    return contract.events.select_related("actor").order_by("at", "id")


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    remaining: int  # working days left after `today`; negative when overdue
    overdue: bool
    expert_review: bool


def contract_deadline(contract: TechContract, today: dt.date | None = None) -> Deadline | None:
    """The decision deadline of an accepted contract, or None when there is none running."""
    if contract.decision_due is None or contract.status not in TechContract.OPEN_STATUSES:
        return None
    today = today or timezone.localdate()
    remaining = calendar.workdays_between(today, contract.decision_due)
    return Deadline(
        due=contract.decision_due,
        remaining=remaining,
        overdue=today > contract.decision_due,
        expert_review=contract.expert_review,
    )


def achievement_list(*, user: Any) -> QuerySet[Achievement]:
    """Published achievements for everyone, plus drafts within the user's scope."""
    return scoping.visible(Achievement.objects.select_related("institution", "field"), user)


def achievement_catalogue(
    *, user: Any, q: str = "", field: str = "", min_trl: int | None = None
) -> QuerySet[Achievement]:
    """The public catalogue: published achievements only, whoever asks."""
    qs = achievement_list(user=user).filter(status=Achievement.Status.PUBLISHED)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(abstract__icontains=q)
            | Q(keywords__icontains=q)
            | Q(institution__name__icontains=q)
        )
    if field:
        qs = qs.filter(field_id=field)
    if min_trl:
        qs = qs.filter(trl__gte=min_trl)
    return qs


def achievement_get(*, user: Any, pk: int) -> Achievement:
    return achievement_list(user=user).get(pk=pk)


def transfer_list(*, user: Any) -> QuerySet[AchievementTransfer]:
    return scoping.visible(
        AchievementTransfer.objects.select_related("institution", "achievement", "enterprise"),
        user,
    )


def demand_list(*, user: Any) -> QuerySet[TechDemand]:
    return scoping.visible(TechDemand.objects.select_related("enterprise", "field"), user)


def demand_get(*, user: Any, pk: int) -> TechDemand:
    return demand_list(user=user).get(pk=pk)


# --- challenge lists ------------------------------------------------------------------------


def call_list(*, user: Any) -> QuerySet[ChallengeCall]:
    return scoping.visible(ChallengeCall.objects.all(), user)


def challenge_demand_list(*, user: Any) -> QuerySet[ChallengeDemand]:
    """Demands proposed to calls: the proposer's own, and those within an admin's scope."""
    qs = ChallengeDemand.objects.select_related("call", "enterprise", "field")
    return scoping.visible(qs, user)


def batch_list(*, user: Any) -> QuerySet[ChallengeListBatch]:
    """Published lists for everyone; lists being drawn up for the province only."""
    return scoping.visible(ChallengeListBatch.objects.all(), user)


def challenge_list(*, user: Any) -> QuerySet[Challenge]:
    """Challenges of published lists for everyone; drafts for the province, the issuer and
    the admins of the issuer's city or zone."""
    qs = Challenge.objects.select_related("batch", "issuer", "field")
    return scoping.visible(qs, user)


def bid_list(*, user: Any) -> QuerySet[ChallengeBid]:
    """A solver sees its own bids, an issuer the bids on its challenges."""
    qs = ChallengeBid.objects.select_related("challenge", "challenge__issuer")
    return scoping.visible(qs, user)


def bids_on(*, user: Any, challenge: Challenge) -> QuerySet[ChallengeBid]:
    return bid_list(user=user).filter(challenge=challenge)


def challenge_agreement(*, user: Any, challenge: Challenge) -> ChallengeAgreement | None:
    qs = ChallengeAgreement.objects.filter(challenge=challenge)
    return scoping.visible(qs, user).first()


def challenge_events(*, user: Any, challenge: Challenge) -> QuerySet[ChallengeEvent]:
    """The milestones of a challenge, for the province, the issuer and its city bureau."""
    qs = ChallengeEvent.objects.filter(challenge=challenge).select_related("actor")
    return scoping.visible(qs, user).order_by("at", "id")


def project_list(*, user: Any) -> QuerySet[PlanProject]:
    qs = PlanProject.objects.select_related("challenge", "platform", "city")
    return scoping.visible(qs, user)


def project_events(*, user: Any, project: PlanProject) -> QuerySet[ChallengeEvent]:
    """The milestones of a plan project, for whoever sees the project."""
    if not scoping.can_view(user, project):
        return ChallengeEvent.objects.none()
    qs = ChallengeEvent.objects.filter(project=project).select_related("actor")
    return qs.order_by("at", "id")


# --- events, brokers, training --------------------------------------------------------------


def event_list(*, user: Any) -> QuerySet[MatchmakingActivity]:
    return scoping.visible(MatchmakingActivity.objects.select_related("city"), user)


def event_participants(*, user: Any, event: MatchmakingActivity) -> QuerySet[EventParticipant]:
    return scoping.visible(EventParticipant.objects.filter(event=event), user)


def event_outcomes(*, user: Any, event: MatchmakingActivity) -> QuerySet[EventOutcome]:
    qs = EventOutcome.objects.filter(event=event).select_related("contract")
    return scoping.visible(qs, user)


def broker_list(*, user: Any) -> QuerySet[Broker]:
    qs = Broker.objects.select_related("service_institution", "institution", "city")
    return scoping.visible(qs, user)


def training_list(*, user: Any) -> QuerySet[TrainingSession]:
    return scoping.visible(TrainingSession.objects.select_related("city"), user)


def training_attendees(*, user: Any, session: TrainingSession) -> QuerySet[TrainingAttendance]:
    qs = TrainingAttendance.objects.filter(session=session).select_related("broker")
    return scoping.visible(qs, user)


def may_change(*, user: Any, obj: Any) -> bool:
    """Whether the page offers `user` the forms that change `obj` (the services decide)."""
    return scoping.can_edit(user, obj)
