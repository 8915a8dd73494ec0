"""Random enterprises whose values sit on, just below and just above the rules' edges."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import polars as pl

from kechuang.rules.fields import FIELDS

CENT = Decimal("0.01")
YEARS = (2019, 2020, 2021, 2022)
SCHEMA: dict[str, pl.DataType] = {
    f.key: {
        "money": pl.Decimal(38, 2),
        "count": pl.Int64(),
        "int": pl.Int64(),
        "bool": pl.Boolean(),
        "date": pl.Date(),
    }.get(f.kind, pl.String())
    for f in FIELDS
}


def yuan(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT)


def _nudge(rng: random.Random, value: Decimal) -> Decimal:
    """The value itself, a fen below or a fen above: where band edges break."""
    return value + rng.choice((Decimal(0), Decimal(0), -CENT, CENT))


def _money(
    rng: random.Random, edges: tuple[int | str, ...], top: int = 3 * 10**9
) -> Decimal | None:
    roll = rng.random()
    if roll < 0.08:
        return None
    if roll < 0.55:
        return _nudge(rng, yuan(rng.choice(edges)))
    return yuan(Decimal(rng.randrange(0, top * 100)) / 100)


def _share(rng: random.Random, base: Decimal | None, shares: tuple[str, ...]) -> Decimal | None:
    if base is None or rng.random() < 0.1:
        return None if rng.random() < 0.5 else yuan(rng.randrange(0, 10**8))
    exact = yuan(base * Decimal(rng.choice(shares)))
    return max(_nudge(rng, exact), Decimal(0))


def _founded(rng: random.Random) -> dt.date | None:
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.5:
        years = rng.choice((1, 2, 3, 4, 5, 6, 9, 10, 11, 20, 21))
        day = dt.date(2022 - years, 12, 31) + dt.timedelta(days=rng.choice((0, 0, 1, -1)))
        return day
    if roll < 0.55:
        return dt.date(rng.choice((2000, 2004, 2008, 2012, 2016, 2020)), 2, 29)
    return dt.date(1995, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 29))


def _flag(rng: random.Random, p_true: float = 0.2, p_none: float = 0.15) -> bool | None:
    roll = rng.random()
    return None if roll < p_none else roll < p_none + p_true


def enterprise(rng: random.Random, i: int) -> list[dict[str, Any]]:
    """The rows (one per fiscal year) of one random enterprise."""
    fixed = {
        "uscc": f"E{i:09d}",
        "founded_on": _founded(rng),
        "region_code": rng.choice(("210102", "210211", "210302", None)),
        "industry_code": rng.choice(
            (
                "C39",
                "39",
                "3911",
                "I65",
                "C27",
                "M73",
                "C39",
                "I65",
                "C35",
                "C26",
                "M75",
                "C39",
                "I64",
                "C40",
                "51",
                "F52",
                "16",
                "61",
                "70",
                "72",
                "90",
                "X",
                None,
            )
        ),
        "zone_code": rng.choice(("Z1", "Z2", "Z3", None)),
        "resident_taxpayer": rng.choice((None, None, None, None, None, True, True, False)),
        "non_independent_unit": rng.choice((None, None, False, True)),
        "key_chain_enterprise": _flag(rng),
        "high_tech_cert_valid_to": rng.choice(
            (None,) * 8 + (dt.date(2023, 6, 30), dt.date(2023, 6, 29), dt.date(2025, 1, 1))
        ),
    }
    base_revenue = _money(
        rng,
        (
            0,
            1_000_000,
            5_000_000,
            10_000_000,
            100_000_000,
            200_000_000,
            500_000_000,
            1_000_000_000,
            125_000_000,
        ),
        top=300_000_000,
    )
    base_staff = rng.choice((None, 0, 10, 99, 100, 101, 200, 1000, rng.randrange(1, 800)))
    growth = rng.choice(("1", "1.2", "1.3", "0.9", str(rng.uniform(0.5, 2))[:6]))
    if base_revenue is not None and growth == "1.2":
        # A fen multiple of 125 makes base·1.2³ = base·1.728 exact: the 20% CAGR edge.
        base_revenue = yuan(int(base_revenue * 100) // 125 * 125 / Decimal(100))
    rows = []
    for k, year in enumerate(YEARS):
        if rng.random() < 0.07:
            continue
        revenue = _year_value(rng, base_revenue, growth, k)
        staff = None if base_staff is None else int(base_staff * Decimal(growth) ** k)
        if rng.random() < 0.3:
            staff = rng.choice((None, 0, 1, 10, 100, 101, 499, 500, 501, 1000))
        if rng.random() < 0.15:
            revenue = _money(
                rng, (200_000_000, 10_000_000, 500_000_000, 1_000_000_000), top=250_000_000
            )
        rd = _share(rng, revenue, ("0.02", "0.03", "0.04", "0.05", "0.06", "0.019", "0.1"))
        cost = None
        if rd is not None and rng.random() < 0.5:
            g = Decimal(rng.choice(("0.10", "0.15", "0.20", "0.25", "0.30", "0.5")))
            cost = _nudge(rng, yuan(rd / g)) if g else None
        elif rng.random() < 0.9:
            cost = _money(rng, (1_000_000, 10_000_000, 200_000_000))
        tech = None
        if staff is not None and rng.random() < 0.9:
            share = Decimal(rng.choice(("0.10", "0.15", "0.20", "0.25", "0.30", "0.0999", "1")))
            tech = max(0, int(staff * share) + rng.choice((0, 0, -1, 1)))
        row = {
            **fixed,
            "year": year,
            "staff": staff,
            "tech_staff": tech,
            "sales_revenue": revenue,
            "total_cost": cost,
            "rd_expense": rd,
            "st_activity_expense": _share(rng, revenue, ("0.025", "0.02", "0.03")),
            "total_assets": _money(rng, (200_000_000, 0, 50_000_000), top=250_000_000),
            "net_profit": _money(rng, (0, -1_000_000, 1_000_000)),
            "tax_paid": _money(rng, (0, 100_000, 1_000_000)),
            "ip_class1": rng.choice((None, 0, 0, 1, 2)),
            "ip_class2": rng.choice((None, 0, 1, 2, 3, 4, 5)),
            "invention_applications": rng.choice((None, 0, 0, 1, 3, 10)),
            "pct_applications": rng.choice((None, 0, 0, 0, 1, 2)),
            "equity_financing": _money(rng, (0, 10_000_000, 35_000_000, 175_000_000)),
            "max_single_investment": _money(rng, (10_000_000, 0, 9_999_999)),
            "valuation_usd": _money(
                rng, (1_000_000_000, 99_337_988, 42_573_332, 496_689_947), top=2 * 10**9
            ),
            "professional_investors": _flag(rng, 0.5),
            "listed": _flag(rng, 0.2),
            "provincial_rd_institution": _flag(rng, 0.05),
            "national_award_top3": _flag(rng, 0.05),
            "led_standard": _flag(rng, 0.05),
            "abnormal_or_blacklisted": _flag(rng, 0.04, 0.06),
            "major_incident": _flag(rng, 0.04, 0.06),
            "tech_contract_turnover": _money(rng, (0, 1_000_000)),
            "talent_titles": rng.choice((None, 0, 0, 1, 2)),
            "provincial_award": _flag(rng),
            "software_enterprise_cert": _flag(rng, 0.4),
            "software_product_cert": _flag(rng, 0.4),
            "contest_prize": _flag(rng),
        }
        rows.append(row)
    if not rows:  # every enterprise has at least one fiscal year
        rows.append({**fixed, "year": 2022, "staff": base_staff})
    if rng.random() < 0.2:  # a row of the evaluation year itself, flags only
        rows.append(
            {
                **fixed,
                "year": 2023,
                "abnormal_or_blacklisted": _flag(rng, 0.3),
                "major_incident": _flag(rng, 0.3),
            }
        )
    return rows


def _year_value(rng: random.Random, base: Decimal | None, growth: str, k: int) -> Decimal | None:
    if base is None:
        return None
    value = yuan(base * Decimal(growth) ** k)
    return _nudge(rng, value) if k == 3 else value


def frame(n: int, seed: int) -> pl.DataFrame:
    rng = random.Random(seed)
    rows = [row for i in range(n) for row in enterprise(rng, i)]
    return pl.DataFrame(rows, schema=SCHEMA)
