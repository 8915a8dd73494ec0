"""The working-day calendar against days of the official notices."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.core import calendar
from kechuang.core.models import Holiday

D = dt.date

pytestmark = pytest.mark.django_db


def test_loaded_years_cover_2022_to_2026():
    assert {2022, 2023, 2024, 2025, 2026} <= calendar.covered_years()
    assert Holiday.objects.filter(date=D(2023, 10, 7), kind="workday").exists()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2023, 10, 2), False),  # National Day, a Monday
        (D(2023, 10, 7), True),  # make-up workday, a Saturday
        (D(2023, 10, 8), True),  # make-up workday, a Sunday
        (D(2023, 10, 9), True),  # ordinary Monday
        (D(2023, 10, 14), False),  # ordinary Saturday
        (D(2023, 9, 29), False),  # Mid-autumn festival, a Friday
        (D(2024, 2, 4), True),  # Spring Festival make-up, a Sunday
        (D(2024, 2, 12), False),  # Spring Festival, a Monday
        (D(2025, 1, 1), False),  # New Year's Day, a Wednesday
        (D(2026, 10, 1), False),
    ],
)
def test_is_workday(day, expected):
    assert calendar.is_workday(day) is expected


def test_add_workdays_across_national_day_2023():
    # Accepted Thursday 28 Sep: 29 Sep–6 Oct off; 7 and 8 Oct (weekend) are worked.
    assert calendar.add_workdays(D(2023, 9, 28), 1) == D(2023, 10, 7)
    assert calendar.add_workdays(D(2023, 9, 28), 2) == D(2023, 10, 8)
    assert calendar.add_workdays(D(2023, 9, 28), 3) == D(2023, 10, 9)
    assert calendar.add_workdays(D(2023, 9, 28), 15) == D(2023, 10, 25)
    assert calendar.add_workdays(D(2023, 10, 9), -3) == D(2023, 9, 28)
    assert calendar.add_workdays(D(2023, 9, 28), 0) == D(2023, 9, 28)


def test_add_workdays_without_holidays_is_plain_weekdays():
    # 2023-11-01 is a Wednesday; no holiday in November.
    assert calendar.add_workdays(D(2023, 11, 1), 15) == D(2023, 11, 22)
    assert calendar.add_workdays(D(2023, 11, 3), 1) == D(2023, 11, 6)


def test_workdays_between_inverts_add_workdays():
    start = D(2022, 12, 20)
    for n in (0, 1, 5, 15, 30, 61, 250, 700):
        end = calendar.add_workdays(start, n)
        assert calendar.workdays_between(start, end) == n
        assert calendar.workdays_between(end, start) == -n


def test_workdays_in_2023_match_official_count():
    # 260 weekdays − 18 weekday holidays + 7 weekend make-up days, from the 2023 notice.
    assert calendar.workdays_between(D(2022, 12, 31), D(2023, 12, 31)) == 249
    assert sum(calendar.is_workday(D(2023, 1, 1) + dt.timedelta(days=i)) for i in range(365)) == 249


def test_a_new_holiday_row_takes_effect_at_once():
    day = D(2027, 3, 3)  # a Wednesday in a year not announced yet
    assert calendar.is_workday(day)
    Holiday.objects.create(date=day, kind=Holiday.Kind.HOLIDAY, name="测试")
    assert not calendar.is_workday(day)
    Holiday.objects.filter(date=day).delete()
    assert calendar.is_workday(day)


def test_load_holidays_is_idempotent():
    before = Holiday.objects.count()
    assert calendar.load_holidays() == before
    assert Holiday.objects.count() == before
