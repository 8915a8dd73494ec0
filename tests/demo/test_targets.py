"""The targets file: its format, its checks and what identifies it."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.demo.targets import DEFAULT_TARGETS, TargetsError, from_dict, load, parse_period
from tests.demo.conftest import write_targets


def test_default_targets_hold_the_bulletin(targets):
    assert targets.period.code == "2023H1"
    assert targets.period.end == dt.date(2023, 6, 30)
    assert targets.count("F01") == 11
    assert targets.start_count("F02") == 34
    assert targets.parts("F30") == [52, 31_730_000]
    assert targets.parts("F26") == [14, 36]
    assert targets.prior["F13"] == 31_240_000_000
    assert targets.prior_year_growth["F13"] == pytest.approx(0.294)
    assert targets.fiscal_years == [2019, 2020, 2021, 2022]
    # Every figure of bulletin-figures.md that has a value is in the file.
    assert set(targets.figures) == {f"F{i:02d}" for i in range(1, 35)}


def test_periods():
    assert parse_period("2023H2").start == dt.date(2023, 7, 1)
    assert parse_period("2022").end == dt.date(2022, 12, 31)
    with pytest.raises(TargetsError):
        parse_period("2023Q5")


def test_contradictory_figures_are_refused(tmp_path):
    with pytest.raises(TargetsError, match="F04"):
        load(write_targets(tmp_path, {"figures.F07": "470"}))
    with pytest.raises(TargetsError, match="start_of_period"):
        load(write_targets(tmp_path, {"figures.F02": "30"}))
    with pytest.raises(TargetsError, match="F26"):
        load(write_targets(tmp_path, {"figures.F26": "[40, 36]"}))
    with pytest.raises(TargetsError, match="F23"):
        from_dict({"period": "2023H1", "figures": {"F01": 1}})


def test_digest_ignores_comments_but_not_values(tmp_path, targets):
    path = tmp_path / "commented.toml"
    path.write_text("# a note\n" + DEFAULT_TARGETS.read_text(encoding="utf-8"), encoding="utf-8")
    assert load(path).digest == targets.digest
    assert load(write_targets(tmp_path, {"figures.F23": "15"})).digest != targets.digest
