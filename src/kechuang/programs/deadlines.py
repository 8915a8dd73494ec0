"""Periods of the program workflows, in working days of the official calendar.

The numbers are configuration: `PROGRAMS = {"review_workdays": 5, ...}` in the settings
overrides any of `DEFAULTS`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from kechuang.core import calendar

DEFAULTS: dict[str, Any] = {
    # Formal review by the evaluation body after submission (rules.md §1).
    "review_workdays": 5,
    # Public notice (公示) of the province (rules.md §1).
    "notice_workdays": 10,
    # City recommendation of gradient applications after the call deadline (rules.md §2:
    # "within 3 days"; read as working days — assumed).
    "recommend_workdays": 3,
    # Gradient status is valid 3 years (rules.md §2).
    "gradient_valid_years": 3,
    # Letter of the tech-SME registration number (seen: A).
    "number_letter": "A",
}


def setting(name: str) -> Any:
    return getattr(settings, "PROGRAMS", {}).get(name, DEFAULTS[name])


def review_due(submitted_on: dt.date) -> dt.date:
    return calendar.add_workdays(submitted_on, int(setting("review_workdays")))


def notice_end(starts_on: dt.date) -> dt.date:
    """The last day of a notice published on `starts_on`: the day of publication is not
    counted, as in the rules for legal periods."""
    return calendar.add_workdays(starts_on, int(setting("notice_workdays")))


def recommend_by(deadline: dt.date) -> dt.date:
    return calendar.add_workdays(deadline, int(setting("recommend_workdays")))


def validity_end(year: int, spec_end: dt.date | None) -> dt.date:
    """The end of a tech-SME admission of evaluation year `year`: the spec's `[validity]`,
    or 31 March of the next year (assumed; sources differ) when the spec says nothing."""
    return spec_end or dt.date(year + 1, 3, 31)


def gradient_valid_to(valid_from: dt.date) -> dt.date:
    """The day before the same date `gradient_valid_years` later (29 Feb → 28 Feb)."""
    years = int(setting("gradient_valid_years"))
    try:
        same_day = valid_from.replace(year=valid_from.year + years)
    except ValueError:
        same_day = dt.date(valid_from.year + years, 3, 1)
    return same_day - dt.timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    remaining: int  # working days left after `today`; negative when overdue
    overdue: bool


def deadline(due: dt.date | None, today: dt.date | None = None) -> Deadline | None:
    if due is None:
        return None
    today = today or timezone.localdate()
    return Deadline(due, calendar.workdays_between(today, due), today > due)
