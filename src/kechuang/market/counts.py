"""Counts of the market's programmes for a period: people trained (F33), challenges
published (F22), plan projects approved (F09, F21), matchmaking events held (F29).

Each reads through the selectors' scope, so a city bureau counts its own city. A course
counts in the period in which it ends; a person counts once per period however many
courses they attend, and once in the cumulative total (see `people`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from kechuang.core import scoping
from kechuang.market.activities.models import (
    Broker,
    MatchmakingActivity,
    TrainingAttendance,
    identity,
    person_key,
)
from kechuang.market.challenges.models import Challenge, ChallengeListBatch
from kechuang.market.contracts.stats import Period
from kechuang.market.projects.models import PlanProject

GRAINS = ("month", "quarter", "half", "year")


def periods_of(year: int, grain: str) -> list[Period]:
    """The months, quarters, halves or the whole of `year`."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[grain]
    out = []
    for first in range(1, 13, months):
        last = first + months - 1
        end = dt.date(year, 12, 31) if last == 12 else dt.date(year, last + 1, 1)
        if last != 12:
            end -= dt.timedelta(days=1)
        out.append(Period(dt.date(year, first, 1), end))
    return out


@dataclass(frozen=True)
class TrainingCount:
    period: Period
    sessions: int  # courses that ended in the period
    trained: int  # distinct people at those courses
    passed: int  # distinct people who passed one of them
    cumulative: int  # distinct people trained up to the end of the period

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.period.start,
            "end": self.period.end,
            "sessions": self.sessions,
            "trained": self.trained,
            "passed": self.passed,
            "cumulative": self.cumulative,
        }


def _attendances(user: Any, kind: str | None, until: dt.date) -> QuerySet[TrainingAttendance]:
    qs = TrainingAttendance.objects.filter(session__ends_on__lte=until)
    if kind:
        qs = qs.filter(session__kind=kind)
    return scoping.visible(qs, user)


def people(attendances: list[tuple[int | None, str, str]]) -> list[str]:
    """Who each (broker id, name, employer) attendance is, as a key; equal keys, one person.

    Attendance records carry no ID number or phone: a person is known by a link to a
    registered broker, or else by name and employer. The rule:

    - an attendance linked to a broker is that broker;
    - a name-only attendance is the broker whose name and employer are the same — as the
      broker's own attendances among `attendances` recorded them, or as the broker record
      stands now (a broker edited since keeps both) — provided exactly one broker fits;
    - otherwise it is its name and employer: the same name at the same employer is one
      person, at another employer (or with none given) another person.

    Names and employers compare after folding full-width forms and white space
    (`identity`), so "辽宁（大连）中心" and "辽宁(大连)中心" are one employer.
    """
    brokers = {b for b, _n, _e in attendances if b is not None}
    known: dict[tuple[str, str], set[int]] = {}
    for b, name, employer in attendances:
        if b is not None:
            known.setdefault(identity(name, employer), set()).add(b)
    current = Broker.objects.filter(pk__in=brokers).values_list(
        "pk", "name", "service_institution__name", "institution__name"
    )
    for b, name, service, institution in current:
        known.setdefault(identity(name, service or institution or ""), set()).add(b)
    out = []
    for b, name, employer in attendances:
        match = known.get(identity(name, employer), set()) if b is None else set()
        out.append(person_key(b if b is not None else _only(match), name, employer))
    return out


def _only(ids: set[int]) -> int | None:
    return next(iter(ids)) if len(ids) == 1 else None


def training_counts(
    *, user: Any, periods: list[Period], kind: str | None = None
) -> list[TrainingCount]:
    """People trained in each of `periods` (in order) and cumulatively, in one query."""
    if not periods:
        return []
    rows = list(
        _attendances(user, kind, max(p.end for p in periods)).values_list(
            "broker_id", "name", "employer", "passed", "session_id", "session__ends_on"
        )
    )
    keys = people([(r[0], r[1], r[2]) for r in rows])
    first_seen: dict[str, dt.date] = {}
    records = []
    for key, (_b, _n, _e, passed, session, ends_on) in zip(keys, rows, strict=True):
        records.append((key, passed, session, ends_on))
        if key not in first_seen or ends_on < first_seen[key]:
            first_seen[key] = ends_on
    out = []
    for p in periods:
        inside = [r for r in records if p.start <= r[3] <= p.end]
        out.append(
            TrainingCount(
                period=p,
                sessions=len({r[2] for r in inside}),
                trained=len({r[0] for r in inside}),
                passed=len({r[0] for r in inside if r[1]}),
                cumulative=sum(1 for d in first_seen.values() if d <= p.end),
            )
        )
    return out


def challenges_published(*, user: Any, period: Period) -> int:
    """Challenges of the lists published in the period (揭榜挂帅 技术攻关类榜单)."""
    qs = Challenge.objects.filter(
        batch__status__in=[ChallengeListBatch.Status.PUBLISHED, ChallengeListBatch.Status.CLOSED],
        batch__published_on__gte=period.start,
        batch__published_on__lte=period.end,
    )
    return scoping.visible(qs, user).count()


def projects_approved(*, user: Any, period: Period, kind: str) -> int:
    """Plan projects of `kind` approved in the period, whatever happened to them since."""
    qs = PlanProject.objects.filter(
        kind=kind, approved_on__gte=period.start, approved_on__lte=period.end
    )
    return scoping.visible(qs, user).count()


def events_held(*, user: Any, period: Period, kind: str | None = None) -> int:
    qs = MatchmakingActivity.objects.filter(held_on__gte=period.start, held_on__lte=period.end)
    if kind:
        qs = qs.filter(kind=kind)
    return scoping.visible(qs, user).count()
