"""Working days of the official Chinese calendar: weekends, public holidays and 调休.

The exceptions to the Monday–Friday week live in the `Holiday` table (loaded from
`data/holidays-cn.csv`, extended by admins when the State Council announces a new year).
They are read once per process into two sorted tuples; a change to the table clears the
cache in the process that made it, and other processes reload after `CACHE_SECONDS`.

Counting convention: `add_workdays(d, n)` is the n-th working day after `d` (d itself not
counted), and `workdays_between(a, b)` counts the working days in (a, b], so that
`workdays_between(d, add_workdays(d, n)) == n`.
"""

from __future__ import annotations

import csv
import datetime as dt
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

DATA_FILE = Path(__file__).resolve().parent / "data" / "holidays-cn.csv"
CACHE_SECONDS = 300.0


@dataclass(frozen=True)
class _Exceptions:
    holidays: tuple[dt.date, ...]  # weekdays that are days off
    workdays: tuple[dt.date, ...]  # weekend days that are working days
    holiday_set: frozenset[dt.date]
    workday_set: frozenset[dt.date]
    loaded_at: float


_lock = threading.Lock()
_cache: _Exceptions | None = None
# Set while a transaction that changed holidays is open: what it reads may be rolled back,
# so it is not cached until the transaction commits.
_dirty = False


def _load() -> _Exceptions:
    from kechuang.core.models import Holiday

    hol: list[dt.date] = []
    work: list[dt.date] = []
    for day, kind in Holiday.objects.order_by("date").values_list("date", "kind"):
        if kind == Holiday.Kind.HOLIDAY and day.weekday() < 5:
            hol.append(day)
        elif kind == Holiday.Kind.WORKDAY and day.weekday() >= 5:
            work.append(day)
    return _Exceptions(tuple(hol), tuple(work), frozenset(hol), frozenset(work), time.monotonic())


def _exceptions() -> _Exceptions:
    global _cache
    cached = _cache
    if cached is not None and time.monotonic() - cached.loaded_at < CACHE_SECONDS:
        return cached
    fresh = _load()
    if not _dirty:
        with _lock:
            _cache = fresh
    return fresh


def clear_cache() -> None:
    global _cache
    with _lock:
        _cache = None


def _on_commit() -> None:
    global _dirty
    _dirty = False
    clear_cache()


def _holiday_changed(**kwargs: Any) -> None:
    global _dirty
    _dirty = True
    clear_cache()
    transaction.on_commit(_on_commit)


# Lazy sender: this module is imported from core.models, before the model class exists.
post_save.connect(_holiday_changed, sender="core.Holiday", dispatch_uid="calendar_saved")
post_delete.connect(_holiday_changed, sender="core.Holiday", dispatch_uid="calendar_deleted")


def is_workday(day: dt.date) -> bool:
    ex = _exceptions()
    if day in ex.workday_set:
        return True
    if day in ex.holiday_set:
        return False
    return day.weekday() < 5


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (before it when n < 0); `day` itself for n = 0."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    current = day
    while remaining:
        current += dt.timedelta(days=step)
        if is_workday(current):
            remaining -= 1
    return current


def _weekdays_upto(day: dt.date) -> int:
    """Monday–Friday days from a fixed Monday up to and including `day`."""
    ordinal = day.toordinal() - 1  # ordinal 1 (0001-01-01) is a Monday
    weeks, rest = divmod(ordinal + 1, 7)
    return weeks * 5 + min(rest, 5)


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -workdays_between(end, start)
    ex = _exceptions()
    count = _weekdays_upto(end) - _weekdays_upto(start)
    count -= bisect_right(ex.holidays, end) - bisect_right(ex.holidays, start)
    count += bisect_right(ex.workdays, end) - bisect_right(ex.workdays, start)
    return count


def covered_years() -> set[int]:
    """Years for which the official calendar has been loaded."""
    ex = _exceptions()
    return {d.year for d in ex.holidays} | {d.year for d in ex.workdays}


def load_holidays(path: Path | None = None, *, apps: Any = None) -> int:
    """Insert or update the rows of a holidays CSV (date,kind,name); returns rows read."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    model = apps.get_model("core", "Holiday")
    n = 0
    with (path or DATA_FILE).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            model.objects.update_or_create(
                date=dt.date.fromisoformat(row["date"]),
                defaults={"kind": row["kind"], "name": row["name"]},
            )
            n += 1
    clear_cache()
    return n


__all__ = [
    "add_workdays",
    "clear_cache",
    "covered_years",
    "is_workday",
    "load_holidays",
    "workdays_between",
]
