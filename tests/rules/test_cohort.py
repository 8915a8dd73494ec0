"""Cohort criteria: percentiles within zone × stage, ties, leaders lists, innovation points."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from kechuang.rules import load_program, load_spec
from kechuang.rules.measures import _sort_bits
from kechuang.rules.stages import points as cents_to_points
from tests.rules.helpers import run, yuan

RANK_DEMO = """
program = "rank-demo"
year = 2023
version = "rank-demo/1"
title = { zh-hans = "排名示例", en = "Ranking example" }

[data]
reads = ["N-1"]
evaluation_date = "2023-06-30"
age_as_of = "2022-12-31"

[cohort]
group_by = ["zone_code"]
stage_measure = "revenue"

[[cohort.stages]]
name = "small"
label = { zh-hans = "小", en = "small" }

[[cohort.stages]]
name = "large"
min = "100000000"
label = { zh-hans = "大", en = "large" }

[measures.revenue]
kind = "field"
field = "sales_revenue"
year = "N-1"
label = { zh-hans = "营业收入", en = "revenue" }

[measures.patents]
kind = "field"
field = "invention_applications"
year = "N-1"
label = { zh-hans = "发明专利申请", en = "invention applications" }

[[criteria]]
name = "patents"
kind = "percentile"
measure = "patents"
weights = { small = 1000, large = 1000 }
missing = "zero"
label = { zh-hans = "发明专利申请", en = "invention applications" }

[[tiers]]
name = "first"
top_percent = 5
label = { zh-hans = "第一梯队", en = "first list" }

[[tiers]]
name = "second"
top_percent = 10
label = { zh-hans = "第二梯队", en = "second list" }

[[tiers]]
name = "third"
top_percent = 20
label = { zh-hans = "第三梯队", en = "third list" }

[pass]
top_percent = 20
"""


@pytest.fixture
def demo(tmp_path: Path):
    path = tmp_path / "2023.toml"
    path.write_text(RANK_DEMO, encoding="utf-8")
    return load_spec(path)


def firms(
    values: list[int | None], zone: str | None = "Z1", revenue: str = "1000000", start: int = 0
) -> list[dict[str, Any]]:
    return [
        {
            "uscc": f"F{start + i:03d}",
            "year": 2022,
            "zone_code": zone,
            "sales_revenue": yuan(revenue),
            "invention_applications": v,
        }
        for i, v in enumerate(values)
    ]


def points(rows: list[dict[str, Any]]) -> list[Decimal | None]:
    return [r["points_patents"] for r in rows]


def test_percentile_is_the_share_at_or_below_and_ties_score_alike(demo):
    rows = run(demo, firms([1, 2, 2, 3]))
    assert points(rows) == [Decimal(250), Decimal(750), Decimal(750), Decimal(1000)]


def test_values_at_the_floor_score_nothing_but_count(demo):
    assert points(run(demo, firms([0, 5]))) == [Decimal(0), Decimal(1000)]
    assert points(run(demo, firms([0, 0, 0]))) == [Decimal(0)] * 3


def test_two_criteria_on_one_measure_rank_above_their_own_floors(tmp_path: Path):
    # Only values above the lowest floor are ranked, on top of a count of those at or below it:
    # a criterion with a higher floor still counts every value of the cohort.
    second = """
[[criteria]]
name = "many_patents"
kind = "percentile"
measure = "patents"
floor = 2
weights = { small = 100, large = 100 }
missing = "zero"
label = { zh-hans = "较多发明专利申请", en = "many invention applications" }

[[tiers]]"""
    path = tmp_path / "2023.toml"
    text = RANK_DEMO.replace("small = 1000, large = 1000", "small = 900, large = 900")
    path.write_text(text.replace("\n[[tiers]]", second, 1), encoding="utf-8")
    spec = load_spec(path)
    rows = run(spec, firms([0, 1, 2, 3, 3, 5, None]))
    assert points(rows) == [
        Decimal(0),
        Decimal(300),
        Decimal(450),
        Decimal(750),
        Decimal(750),
        Decimal(900),
        Decimal(0),
    ]
    assert [r["points_many_patents"] for r in rows] == [
        *[Decimal(0)] * 3,
        Decimal("83.33"),
        Decimal("83.33"),
        Decimal(100),
        Decimal(0),
    ]


def test_points_are_kept_in_hundredths_rounded_down(demo):
    assert points(run(demo, firms([1, 2, 3]))) == [
        Decimal("333.33"),
        Decimal("666.66"),
        Decimal("1000.00"),
    ]


def test_missing_values_score_zero_with_a_reason_and_do_not_count(demo):
    rows = run(demo, firms([1, None, 3]))
    assert points(rows) == [Decimal(500), Decimal(0), Decimal(1000)]
    assert rows[1]["reasons"][0] == "missing:invention_applications"


def test_cohorts_are_zone_by_stage(demo):
    rows = run(
        demo,
        [
            *firms([1, 3]),
            *firms([1], zone="Z2", start=10),
            *firms([2], revenue="100000000", start=20),
            *firms([1], zone=None, start=30),
        ],
    )
    assert [r["stage"] for r in rows] == ["small", "small", "small", "large", "small"]
    assert points(rows) == [
        Decimal(500),
        Decimal(1000),
        Decimal(1000),
        Decimal(1000),
        Decimal(1000),
    ]
    assert rows[-1]["reasons"] == ["missing:zone_code"]


def test_leaders_lists_top_5_10_20_percent(demo):
    rows = run(demo, firms(list(range(1, 21))))
    tiers = [r["tier"] for r in rows]
    assert tiers[-1] == "first"
    assert tiers[-2] == "second"
    assert tiers[-4:-2] == ["third", "third"]
    assert tiers[:-4] == [None] * 16
    assert [r["verdict"] for r in rows].count("pass") == 4
    assert rows[0]["reasons"] == ["outside_top_percent"]


def test_a_tie_on_the_list_edge_is_listed_together_or_not_at_all(demo):
    # 4th and 5th tie: both have three firms above them, 3 < 20% of 20, both listed.
    rows = run(demo, firms([20, 19, 18, 17, 17, *range(1, 16)]))
    assert [r["verdict"] for r in rows[:6]] == ["pass"] * 5 + ["fail"]
    # 5th and 6th tie: both have four above them, 4 is not < 20% of 20, neither listed.
    rows = run(demo, firms([20, 19, 18, 17, 16, 16, *range(1, 15)]))
    assert [r["verdict"] for r in rows[:6]] == ["pass"] * 4 + ["fail"] * 2


IP = load_program("innovation-points", 2023)

STAR = {
    "uscc": "P1",
    "founded_on": dt.date(2010, 1, 1),
    "zone_code": "210100-GX",
    "staff": 200,
    "tech_staff": 80,
    "sales_revenue": yuan("50000000"),
    "rd_expense": yuan("5000000"),
    "net_profit": yuan("3000000"),
    "tax_paid": yuan("2000000"),
    "invention_applications": 5,
    "pct_applications": 1,
    "equity_financing": yuan("1000000"),
    "tech_contract_turnover": yuan("800000"),
    "talent_titles": 2,
    "high_tech_cert_valid_to": dt.date(2025, 12, 31),
    "national_award_top3": True,
    "led_standard": True,
    "provincial_rd_institution": True,
    "abnormal_or_blacklisted": False,
    "major_incident": False,
    "key_chain_enterprise": False,
}


def star(**changes: Any) -> list[dict[str, Any]]:
    before = {
        **STAR,
        "year": 2021,
        "staff": 150,
        "sales_revenue": yuan("40000000"),
        "rd_expense": yuan("4000000"),
    }
    return [before, {**STAR, "year": 2022, **changes}]


def test_a_firm_alone_in_its_cohort_with_every_indicator_scores_1000():
    row = run(IP, star())[0]
    assert row["stage"] == "growth"
    assert row["score"] == Decimal(1000)
    assert (row["tier"], row["verdict"], row["reasons"]) == ("leaders_1", "pass", [])
    breakdown = [row[c] for c in IP.criterion_columns()]
    assert len(breakdown) == 21  # 18 indicators + bonus + 2 deductions
    assert sum(breakdown) == Decimal(1000)


def test_bonus_and_negative_indicators():
    assert run(IP, star(key_chain_enterprise=True))[0]["score"] == Decimal(1050)
    row = run(IP, star(abnormal_or_blacklisted=True))[0]
    assert (row["points_blacklisted_deduction"], row["score"]) == (Decimal(-200), Decimal(800))


def test_absent_optional_columns_are_missing_with_a_reason():
    rows = [
        {
            k: v
            for k, v in r.items()
            if k
            not in ("zone_code", "tech_contract_turnover", "talent_titles", "key_chain_enterprise")
        }
        for r in star()
    ]
    row = run(IP, rows)[0]
    assert row["reasons"] == [
        "missing:zone_code",
        "missing:tech_contract_turnover",
        "missing:talent_titles",
        "missing:key_chain_enterprise",
    ]
    assert row["score"] == Decimal(1000 - 50 - 50)


@pytest.mark.parametrize(
    ("revenue", "stage"),
    [
        ("4999999.99", "startup"),
        ("5000000", "growth"),
        ("99999999.99", "growth"),
        ("100000000", "stable"),
        (None, None),
    ],
)
def test_stage_by_revenue(revenue, stage):
    row = run(IP, star(sales_revenue=None if revenue is None else yuan(revenue)))[0]
    assert row["stage"] == stage
    if stage is None:
        assert row["score"] is None
        assert row["reasons"][0] == "missing:sales_revenue"


def test_hundredths_print_exactly_over_the_whole_range_a_spec_can_reach():
    spec = load_program("innovation-points", 2023)
    most = 200_000  # 2,000 points: the 1,000-point scale plus any local bonus
    cents = pl.int_range(-most, most + 1, eager=True).alias("c").to_frame()
    got = cents.select(cents_to_points(spec, pl.col("c")))["c"].to_list()
    assert got == [Decimal(n).scaleb(-2) for n in range(-most, most + 1)]


def test_ratio_keys_rank_as_the_ratios_do_negatives_and_ties_included():
    ratios = [-1e300, -2.5, -2.5, -1e-300, 0.0, 5e-324, 1e-300, 0.1, 0.1, 1 / 3, 2.5, 1e300]
    frame = pl.DataFrame({"x": ratios}).with_columns(key=_sort_bits(pl.col("x")))
    assert frame["key"].dtype == pl.Int64
    ranked = frame.select(pl.col("x").rank("max"), pl.col("key").rank("max"))
    assert ranked["x"].to_list() == ranked["key"].to_list()
    assert ranked["key"].to_list() == [1, 3, 3, 4, 5, 6, 7, 9, 9, 10, 11, 12]
