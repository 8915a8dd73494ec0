"""Yearly figures of generated enterprises (EnterpriseYear, exchange-formats.md §1).

Sizes are log-normal, growth compounds year on year, and every row keeps the registry's
constraints: technical staff within staff, R&D within total cost, money never negative
except net profit. A small share of values is left unknown (None), as real filings are.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator

from kechuang.demo.firms import Firm
from kechuang.demo.naming import words
from kechuang.demo.targets import Targets

YEAR_COLS = words(
    "id enterprise_id year staff tech_staff sales_revenue total_cost rd_expense"
    " st_activity_expense total_assets net_profit tax_paid ip_class1 ip_class2"
    " invention_applications pct_applications equity_financing max_single_investment"
    " valuation_usd professional_investors listed high_tech_cert_valid_to"
    " provincial_rd_institution national_award_top3 led_standard abnormal_or_blacklisted"
    " major_incident"
)
# Columns 3..15 (staff … pct_applications) may be unknown.
_MAY_BE_UNKNOWN = range(3, 16)
USD_CNY = 7.0
UNICORN_USD = 1_000_000_000
_NONE_BUT_VC_CAP = 900_000_000  # other funded firms stay below a unicorn valuation


def _yuan(x: float) -> int:
    """Whole yuan (exact), to the hundred for amounts of a thousand and more."""
    if x < 0:
        return -_yuan(-x)
    return 100 * int(x / 100 + 0.5) if x >= 1000 else int(x + 0.5)


def _listed_during(f: Firm, year: int) -> bool:
    """On the abnormal list or the blacklist at some time in `year` or the year before."""
    first, last = dt.date(year - 1, 1, 1), dt.date(year, 12, 31)
    return any(on <= last and (off is None or off >= first) for on, off in f.listings)


def rows(
    firms: list[Firm], rng: random.Random, targets: Targets, first_id: int = 1
) -> Iterator[tuple]:
    years = targets.fiscal_years
    unknown = float(targets.param("unknown_share", 0.02))
    rid = first_id
    for f in firms:
        active = [y for y in years if y >= f.founded.year]
        if not active:
            continue
        staff = f.staff0
        revenue = f.revenue0 or f.staff0 * f.rps
        # Patents grow with the firm; certified high-tech firms hold the most.
        size = math.log1p(f.staff0)
        if f.ht_from:
            ip1 = rng.lognormvariate(math.log(2 + 1.5 * size), 0.7)
        else:
            ip1 = rng.lognormvariate(math.log(0.3 + 0.3 * size), 0.8) if f.tech else 0.2
        assets_ratio = rng.lognormvariate(0.1, 0.5)
        ip2 = ip1 * rng.uniform(1.5, 4)
        valuation: float | None = None
        funded = f.unicorn
        last = active[-1]
        for i, y in enumerate(active):
            if i:
                revenue *= max(0.3, 1 + f.growth + rng.gauss(0, 0.08))
                staff = max(1.0, staff * (1 + 0.5 * f.growth + rng.gauss(0, 0.04)))
            young = y - f.founded.year < 2
            rev = revenue * (0.4 if y == f.founded.year else 1.0)
            n_staff = max(1, round(staff))
            share = min(1.0, max(0.0, f.tech_share + rng.gauss(0, 0.03)))
            cost = rev * (rng.uniform(0.95, 1.8) if young else rng.uniform(0.78, 1.03))
            rd = cost * min(0.6, f.rd_intensity * rng.lognormvariate(0, 0.15))
            profit = rev - cost
            equity = 0.0
            single = 0.0
            if f.vc and rng.random() < (0.7 if f.unicorn else 0.35):
                funded = True
                equity = rev * rng.uniform(0.3, 2.0) if not f.unicorn else rev * rng.uniform(1, 3)
                single = equity * rng.uniform(0.4, 1.0)
            if funded:
                if f.unicorn:
                    # The latest round prices the firm above the unicorn line.
                    top = UNICORN_USD * rng.uniform(1.05, 3.0)
                    valuation = top / (1.8 ** (last - y))
                else:
                    valuation = min(_NONE_BUT_VC_CAP, rev / USD_CNY * rng.uniform(2, 10))
            values: list = [
                rid,
                f.id,
                y,
                n_staff,
                min(n_staff, round(n_staff * share)),
                _yuan(rev),
                _yuan(cost),
                _yuan(rd),
                _yuan(min(cost, rd * rng.uniform(1.0, 1.25))),
                _yuan(rev * assets_ratio * rng.lognormvariate(0, 0.05)),
                _yuan(profit * 0.85 if profit > 0 else profit),
                _yuan(rev * rng.uniform(0.01, 0.05)),
                round(ip1 * (1 + 0.15 * i)),
                round(ip2 * (1 + 0.2 * i)),
                round(rng.expovariate(1 / (1.5 if f.tech else 0.2))),
                1 if f.tech and rng.random() < 0.03 else 0,
                _yuan(equity),
                _yuan(single),
                _yuan(valuation) if valuation is not None else None,
                funded and f.vc,
                f.listed_on is not None and f.listed_on.year <= y,
                f.ht_to if f.ht_from and f.ht_to and f.ht_from.year <= y <= f.ht_to.year else None,
                f.rd_level in ("provincial", "national"),
                any(
                    lv == "national" and rank <= 3 and y - 4 <= ay <= y for lv, ay, rank in f.awards
                ),
                any(y - 4 <= sy <= y for sy in f.standard_years),
                _listed_during(f, y),
                any(iy in (y - 1, y) for iy in f.incident_years),
            ]
            if unknown:
                for c in _MAY_BE_UNKNOWN:
                    if rng.random() < unknown:
                        values[c] = None
            yield tuple(values)
            rid += 1
