"""Gazelle, unicorn and eaglet (辽科创办发〔2021〕2号) and the yuan tiers: routes and growth."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_CEILING, Decimal
from typing import Any

import pytest

from kechuang.rules import SpecError, load_program, load_spec
from tests.rules.helpers import one, run, yuan

GAZELLE = load_program("gazelle", 2023)
UNICORN = load_program("unicorn", 2023)

# Revenue 100 M → 172.8 M over three years is a CAGR of exactly 20%.
REVENUE = {2019: "100000000", 2020: "110000000", 2021: "150000000", 2022: "172800000"}


def gazelle_rows(founded: dt.date = dt.date(2015, 6, 1), **by_year: dict[str, Any]):
    rows = []
    for year, revenue in REVENUE.items():
        row = {
            "uscc": "G1",
            "year": year,
            "founded_on": founded,
            "staff": 50,
            "sales_revenue": yuan(revenue),
            "st_activity_expense": yuan(revenue) * Decimal("0.025"),
            "max_single_investment": yuan("0"),
        }
        row.update(by_year.get(f"y{year}", {}))
        rows.append(row)
    return [r for r in rows if r.get("year") is not None]


def gazelle(**kw: Any) -> dict[str, Any]:
    return run(GAZELLE, gazelle_rows(**kw))[0]


def test_revenue_cagr_of_exactly_20_percent_qualifies():
    row = gazelle()
    assert row["value_revenue_cagr"] == pytest.approx(0.2)
    assert (row["verdict"], row["qualified_by"]) == ("pass", "direct:revenue_growth")


def test_one_fen_below_the_cagr_edge_does_not():
    row = gazelle(y2022={"sales_revenue": yuan("172799999.99")})
    assert (row["verdict"], row["cond_revenue_growth"]) == ("fail", False)
    assert row["reasons"] == ["no_qualification"]


def test_base_revenue_must_exceed_10m_and_last_year_must_grow():
    base = {"sales_revenue": yuan("10000000"), "st_activity_expense": yuan("250000")}
    end = {"sales_revenue": yuan("17280000"), "st_activity_expense": yuan("432000")}
    assert gazelle(y2019=base, y2022=end)["cond_revenue_growth"] is False
    flat = {"sales_revenue": yuan("172800000"), "st_activity_expense": yuan("4320000")}
    assert gazelle(y2021=flat)["cond_revenue_growth"] is False


CAGR_ONLY = """
program = "cagr-demo"
year = 2023
version = "cagr-demo/1"
title = { zh-hans = "增长示例", en = "Growth example" }
[data]
reads = ["N-4", "N-1"]
evaluation_date = "2023-06-30"
age_as_of = "2022-12-31"
[measures.cagr]
kind = "cagr"
field = "sales_revenue"
from = "N-4"
to = "N-1"
label = { zh-hans = "复合增长率", en = "CAGR" }
[[direct]]
name = "fast"
label = { zh-hans = "增长快", en = "fast growth" }
test = { measure = "cagr", op = ">=", value = "0.2" }
"""


@pytest.mark.parametrize("base", ["0", "-5"])
def test_a_zero_or_negative_base_makes_the_cagr_not_computable(base, tmp_path):
    row = gazelle(y2019={"sales_revenue": yuan(base), "st_activity_expense": yuan("0")})
    assert row["value_revenue_cagr"] is None
    # The route still fails outright: its base-revenue condition is false.
    assert row["cond_revenue_growth"] is False
    path = tmp_path / "2023.toml"
    path.write_text(CAGR_ONLY, encoding="utf-8")
    spec = load_spec(path)
    rows = [
        {"uscc": "C1", "year": 2019, "sales_revenue": yuan(base)},
        {"uscc": "C1", "year": 2022, "sales_revenue": yuan("100")},
    ]
    row = run(spec, rows)[0]
    assert (row["cond_fast"], row["verdict"]) == (None, "fail")
    assert row["reasons"] == ["not_computable:cagr", "no_qualification"]
    rows[0]["sales_revenue"] = yuan("57.87")  # 100 / 57.87 = 1.728…: above 20%
    assert run(spec, rows)[0]["verdict"] == "pass"
    rows[0]["sales_revenue"] = None
    assert run(spec, rows)[0]["reasons"] == ["missing:sales_revenue", "no_qualification"]


def test_a_missing_year_is_a_reason():
    row = run(GAZELLE, gazelle_rows()[1:])[0]  # no 2019 row
    assert row["cond_st_intensity"] is None
    assert row["reasons"][:2] == ["missing:st_activity_expense", "missing:sales_revenue"]
    assert row["verdict"] == "fail"


def test_a_young_firm_averages_over_the_years_since_founding():
    rows = [r for r in gazelle_rows(founded=dt.date(2021, 3, 1)) if r["year"] >= 2021]
    row = run(GAZELLE, rows)[0]
    assert row["cond_st_intensity"] is True
    assert row["value_st_intensity"] == pytest.approx(0.025)
    # A row from before the founding year is not read.
    early = {
        "uscc": "G1",
        "year": 2020,
        "sales_revenue": yuan("1"),
        "st_activity_expense": yuan("0"),
    }
    assert run(GAZELLE, [*rows, early])[0]["cond_st_intensity"] is True
    # Founded after the window: nothing to average.
    late = [{**r, "founded_on": dt.date(2023, 1, 5)} for r in rows]
    assert "not_computable:st_intensity" in run(GAZELLE, late)[0]["reasons"]


def test_intensity_is_total_spending_over_total_revenue():
    two = {"st_activity_expense": yuan("2000000"), "sales_revenue": yuan("100000000")}
    three = {"st_activity_expense": yuan("3000000"), "sales_revenue": yuan("100000000")}
    rows = [
        r
        for r in gazelle_rows(founded=dt.date(2021, 1, 1), y2021=two, y2022=three)
        if r["year"] >= 2021
    ]
    assert run(GAZELLE, rows)[0]["cond_st_intensity"] is True
    rows[1]["st_activity_expense"] = yuan("2999999.99")
    assert run(GAZELLE, rows)[0]["cond_st_intensity"] is False


def test_staff_route_cagr_30_percent_base_above_100():
    def staff(base: int, end: int, before_end: int) -> dict[str, Any]:
        return gazelle(
            y2019={
                "staff": base,
                "sales_revenue": yuan("1000000"),
                "st_activity_expense": yuan("25000"),
            },
            y2021={"staff": before_end},
            y2022={"staff": end},
        )

    assert staff(1000, 2197, 2000)["qualified_by"] == "direct:staff_growth"
    assert staff(1000, 2196, 2000)["cond_staff_growth"] is False
    assert staff(100, 300, 200)["cond_staff_growth"] is False  # base not above 100
    assert staff(101, 300, 200)["cond_staff_growth"] is True
    assert staff(101, 300, 300)["cond_staff_growth"] is False  # no growth last year


@pytest.mark.parametrize(
    ("founded", "revenue", "route", "held"),
    [
        (dt.date(2017, 1, 1), "500000000", "young_500m", True),
        (dt.date(2017, 1, 1), "499999999.99", "young_500m", False),
        (dt.date(2016, 12, 31), "500000000", "young_500m", False),  # 6 full years
        (dt.date(2012, 1, 1), "1000000000", "ten_years_1bn", True),
        (dt.date(2011, 12, 31), "1000000000", "ten_years_1bn", False),
    ],
)
def test_size_routes_by_age(founded, revenue, route, held):
    share = yuan(revenue) * Decimal("0.025")
    row = gazelle(
        founded=founded, y2022={"sales_revenue": yuan(revenue), "st_activity_expense": share}
    )
    assert row[f"cond_{route}"] is held


@pytest.mark.parametrize(("amount", "held"), [("10000000", True), ("9999999.99", False)])
def test_venture_investment_route(amount, held):
    flat = {
        "sales_revenue": yuan("150000000"),
        "st_activity_expense": yuan("3750000"),
        "max_single_investment": yuan(amount),
    }
    row = gazelle(y2022=flat)
    assert row["cond_venture_investment"] is held
    assert row["verdict"] == ("pass" if held else "fail")


@pytest.mark.parametrize(
    ("founded", "eligible"), [(dt.date(2002, 1, 1), True), (dt.date(2001, 12, 31), False)]
)
def test_registered_at_most_20_years(founded, eligible):
    assert gazelle(founded=founded)["cond_age_limit"] is eligible


UNICORN_BASE = {
    "uscc": "U1",
    "year": 2022,
    "founded_on": dt.date(2015, 1, 1),
    "professional_investors": True,
    "listed": False,
    "valuation_usd": yuan("1000000000"),
}


@pytest.mark.parametrize(
    ("changes", "verdict", "reasons"),
    [
        ({}, "pass", []),
        ({"valuation_usd": yuan("999999999.99")}, "fail", ["no_qualification"]),
        ({"listed": True}, "fail", ["ineligible:not_listed"]),
        ({"professional_investors": None}, "fail", ["missing:professional_investors"]),
        ({"founded_on": dt.date(2011, 12, 31)}, "fail", ["ineligible:age_limit"]),
        ({"founded_on": dt.date(2012, 1, 1)}, "pass", []),
        ({"valuation_usd": None}, "fail", ["missing:valuation_usd", "no_qualification"]),
    ],
)
def test_unicorn(changes, verdict, reasons):
    row = one(UNICORN, UNICORN_BASE, **changes)
    assert (row["verdict"], row["reasons"]) == (verdict, reasons)


def test_unicorn_shows_the_valuation_in_yuan_at_the_stored_rate():
    row = one(UNICORN, UNICORN_BASE)
    assert row["value_valuation_cny"] == pytest.approx(7_046_700_000)


def _usd_for(yuan_amount: str) -> Decimal:
    """The smallest dollar amount (in cents) worth at least `yuan_amount` at 7.0467."""
    return (Decimal(yuan_amount) / Decimal("7.0467")).quantize(Decimal("0.01"), ROUND_CEILING)


@pytest.mark.parametrize(
    ("program", "founded", "valuation_yuan", "financing", "route"),
    [
        ("potential-unicorn", dt.date(2018, 1, 1), "700000000", ("20000000", "15000000"), "young"),
        (
            "potential-unicorn",
            dt.date(2014, 1, 1),
            "3500000000",
            ("100000000", "75000000"),
            "established",
        ),
        ("seed-unicorn", dt.date(2018, 1, 1), "300000000", ("5000000", "5000000"), "seed"),
    ],
)
def test_yuan_tiers_on_their_edges(program, founded, valuation_yuan, financing, route):
    spec = load_program(program, 2023)
    usd = _usd_for(valuation_yuan)

    def rows(valuation: Decimal, last_financing: str) -> list[dict[str, Any]]:
        base = {"uscc": "S1", "founded_on": founded, "listed": False}
        return [
            {**base, "year": 2019, "equity_financing": yuan("0")},
            {**base, "year": 2020, "equity_financing": yuan("0")},
            {**base, "year": 2021, "equity_financing": yuan(financing[0])},
            {
                **base,
                "year": 2022,
                "equity_financing": yuan(last_financing),
                "valuation_usd": valuation,
            },
        ]

    assert run(spec, rows(usd, financing[1]))[0]["qualified_by"] == f"direct:{route}"
    assert run(spec, rows(usd - Decimal("0.01"), financing[1]))[0]["verdict"] == "fail"
    short = str(yuan(financing[1]) - Decimal("0.01"))
    assert run(spec, rows(usd, short))[0]["verdict"] == "fail"
    gap = [r for r in rows(usd, financing[1]) if r["year"] != 2020]
    assert "missing:equity_financing" in run(spec, gap)[0]["reasons"]
    gap = [r for r in rows(usd, financing[1]) if r["year"] != 2020]
    assert "missing:equity_financing" in run(spec, gap)[0]["reasons"]


EAGLET = load_program("eaglet", 2023)
EAGLET_BASE = {
    "uscc": "E1",
    "year": 2022,
    "founded_on": dt.date(2016, 1, 1),
    "abnormal_or_blacklisted": False,
    "ip_class1": 0,
    "ip_class2": 0,
}


@pytest.mark.parametrize(
    ("changes", "qualified_by"),
    [
        ({"ip_class2": 2}, "direct:ip"),
        ({"ip_class1": 1}, "direct:ip"),
        ({"ip_class2": 1}, None),
        ({"software_enterprise_cert": True, "software_product_cert": True}, "direct:software"),
        ({"software_enterprise_cert": True, "software_product_cert": False}, None),
        ({"provincial_award": True}, "direct:st_award"),
        ({"contest_prize": True}, "direct:contest_prize"),
        ({"high_tech_cert_valid_to": dt.date(2025, 1, 1)}, "direct:high_tech"),
        ({"ip_class2": 2, "non_independent_unit": True}, None),
        ({"ip_class2": 2, "founded_on": dt.date(2011, 12, 31)}, None),
    ],
)
def test_eaglet_routes(changes, qualified_by):
    assert one(EAGLET, EAGLET_BASE, **changes)["qualified_by"] == qualified_by


def test_eaglet_unknown_routes_are_named_when_nothing_qualifies():
    row = one(EAGLET, EAGLET_BASE, software_enterprise_cert=True)
    assert row["reasons"] == [
        "missing:software_product_cert",
        "missing:contest_prize",
        "missing:high_tech_cert_valid_to",
        "missing:national_award_top3",
        "missing:provincial_award",
        "no_qualification",
    ]


def test_a_growth_threshold_must_stay_within_exact_reach(tmp_path):
    path = tmp_path / "2023.toml"
    path.write_text(
        CAGR_ONLY.replace('value = "0.2"', 'value = "0.123456789012"'), encoding="utf-8"
    )
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert caught.value.where == "direct[0].test.value"
    assert "too fine a threshold over 3 years" in caught.value.problem


@pytest.mark.parametrize(
    "as_of", [dt.date(2022, 12, 31), dt.date(2024, 2, 29), dt.date(2023, 3, 1)]
)
def test_age_is_whole_years_on_the_day_around_anniversaries_and_leap_days(as_of):
    spec = dataclasses.replace(load_program("eaglet", 2023), age_as_of=as_of)
    born = [
        dt.date(2000, 2, 29),
        dt.date(2001, 2, 28),
        dt.date(2001, 3, 1),
        dt.date(2010, 12, 31),
        dt.date(2011, 1, 1),
        dt.date(as_of.year - 5, as_of.month, min(as_of.day, 28)),
        as_of,
        as_of + dt.timedelta(days=1),  # founded after the date: a negative age
        dt.date(as_of.year + 3, 7, 1),
    ]
    rows = [{"uscc": f"A{i}", "year": 2022, "founded_on": d} for i, d in enumerate(born)]
    ages = [r["value_age"] for r in run(spec, rows)]

    def whole_years(d: dt.date) -> int:
        return as_of.year - d.year - ((d.month, d.day) > (as_of.month, as_of.day))

    assert ages == [whole_years(d) for d in born]
