"""Plausible bounds, one set of checks for forms, the API and the imports."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.core import validation as v

TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize("bad", ["", "   ", "甲\u202e公司", "\u2066甲", "甲\u200f"])
def test_names_refused(bad):
    with pytest.raises(v.Implausible):
        v.clean_name(bad)


def test_names_are_stripped():
    assert v.clean_name("  沈阳  甲 公司\t") == "沈阳 甲 公司"


def test_bounds():
    v.check_founded(dt.date(1900, 1, 1), TODAY)
    for bad in (dt.date(1899, 12, 31), dt.date(2026, 6, 2)):
        with pytest.raises(v.Implausible):
            v.check_founded(bad, TODAY)
    v.check_certificate_valid_to(dt.date(2036, 6, 1), TODAY)
    with pytest.raises(v.Implausible, match="certificate_too_far"):
        v.check_certificate_valid_to(dt.date(2036, 6, 2), TODAY)
    with pytest.raises(v.Implausible, match="year_future"):
        v.check_year(2027, TODAY)
    v.check_staff(1_000_000)
    with pytest.raises(v.Implausible, match="staff_too_large"):
        v.check_staff(1_000_001)
