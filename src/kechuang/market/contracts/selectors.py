"""Reads of technology contracts, restricted to what the acting user may see.

The province sees all; a city bureau sees the contracts registered in its city (the seller's
city, or the domestic buyer's for an import) because that is the registration work it does;
a zone admin those sold by enterprises of its zone; an enterprise or an institution the
contracts where it is the seller or the buyer; banks and the public none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from kechuang.core import calendar, scoping
from kechuang.market.contracts.models import ContractEvent, TechContract


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
