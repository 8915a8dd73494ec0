"""Rules engine at national scale: 1,000,000 enterprises × 4 fiscal years, made in memory.

Times, in one run: the Polars engine for every 2023 program, the engine for tech-SME alone, the
same tech-SME rules written as DuckDB SQL (and checks that both give the same rows), and the
plain-Python reference evaluator on a sample, extrapolated. Goals: all programs ≤ 2 s,
tech-SME no slower than DuckDB, engine ≥ 30× the reference.

    python -m benchmarks rules_engine          # N=200000 python -m benchmarks rules_engine
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import duckdb
import polars as pl

from kechuang.rules import (
    available,
    evaluate,
    evaluate_many,
    load_program,
    records_from_frame,
    reference_evaluate_all,
)

N = int(os.environ.get("N", "1000000"))
SAMPLE = int(os.environ.get("SAMPLE", "20000"))
YEARS = (2019, 2020, 2021, 2022)
INDUSTRIES = [
    "C39",
    "C38",
    "C35",
    "C26",
    "C27",
    "I65",
    "I64",
    "M73",
    "M75",
    "C34",
    "C40",
    "C13",
    "E47",
    "F51",
    "F52",
    "H61",
    "K70",
    "L72",
    "R90",
    "C16",
]
CITIES = [f"21{c:02d}" for c in range(1, 15)]


def _u(seed: int) -> pl.Expr:
    """A uniform number in [0, 1) per row, from a hash: reproducible and fast."""
    return (pl.col("_k").hash(seed) % 1_000_000).cast(pl.Float64) / 1_000_000


def _ue(seed: int) -> pl.Expr:
    """The same per enterprise (constant across its years)."""
    return (pl.col("_e").hash(seed) % 1_000_000).cast(pl.Float64) / 1_000_000


def _null(expr: pl.Expr, seed: int, p: float = 0.03) -> pl.Expr:
    return pl.when(_u(seed) >= p).then(expr)


def _yuan(fen: pl.Expr) -> pl.Expr:
    return fen.cast(pl.Int64).cast(pl.Decimal(38, 2)) / 100


def make_frame(n: int) -> pl.DataFrame:
    """The long frame of exchange-formats §1, money as Decimal(38, 2) like the file reader."""
    t = pl.col("year") - 2019
    lf = (
        pl.select(_e=pl.int_range(n, dtype=pl.Int64))
        .join(pl.DataFrame({"year": list(YEARS)}, schema={"year": pl.Int64}), how="cross")
        .with_columns(_k=pl.col("_e") * 8 + pl.col("year"))
        .lazy()
    )
    growth = 1 + (_ue(3) - 0.25) * t * 0.6
    revenue = (10 ** (6 + _ue(4) * 5.5)) * growth  # 1 M to 300 M yuan, fen below
    staff = ((1 + _ue(5) * 700) * (1 + (_ue(6) - 0.2) * t * 0.3)).floor().cast(pl.Int64)
    rd = revenue * _ue(7) * 0.12
    city = pl.lit(pl.Series(CITIES)).get((pl.col("_e").hash(8) % len(CITIES)).cast(pl.Int64))
    lf = lf.with_columns(
        uscc=pl.format("91{}{}X", city + "02", pl.col("_e").cast(pl.String).str.zfill(9)),
        founded_on=(pl.date(1998, 1, 1) + pl.duration(days=(_ue(1) * 9000).cast(pl.Int64))),
        region_code=city + "02",
        industry_code=pl.lit(pl.Series(INDUSTRIES)).get(
            (pl.col("_e").hash(2) % len(INDUSTRIES)).cast(pl.Int64)
        ),
        zone_code=pl.format("Z{}", pl.col("_e").hash(9) % 20),
        staff=_null(staff, 10),
        tech_staff=_null((staff * _ue(11) * 0.5).floor().cast(pl.Int64), 12),
        sales_revenue=_null(_yuan(revenue * 100), 13),
        total_cost=_null(_yuan(revenue * (60 + _u(14) * 50)), 15),
        rd_expense=_null(_yuan(rd * 100), 16),
        st_activity_expense=_null(_yuan(rd * (100 + _u(17) * 30)), 18),
        total_assets=_null(_yuan(revenue * (50 + _ue(19) * 300)), 20),
        net_profit=_null(_yuan(revenue * (_u(21) * 30 - 10)), 22),
        tax_paid=_null(_yuan(revenue * 3), 23),
        ip_class1=_null((_u(24) * 3).floor().cast(pl.Int64), 25),
        ip_class2=_null((_u(26) * 7).floor().cast(pl.Int64), 27),
        invention_applications=_null((_u(28) * 8).floor().cast(pl.Int64), 29),
        pct_applications=_null((_u(30) * 2).floor().cast(pl.Int64), 31),
        equity_financing=_null(_yuan(pl.when(_u(32) < 0.2).then(revenue * 30).otherwise(0)), 33),
        max_single_investment=_null(
            _yuan(pl.when(_u(34) < 0.1).then(revenue * 20).otherwise(0)), 35
        ),
        valuation_usd=pl.when(_ue(36) < 0.05).then(_yuan(10 ** (8 + _ue(37) * 4) * 100)),
        professional_investors=_null(_ue(38) < 0.3, 39),
        listed=_null(_ue(40) < 0.05, 41),
        high_tech_cert_valid_to=pl.when(_ue(42) < 0.25).then(
            pl.date(2022, 1, 1) + pl.duration(days=(_ue(43) * 1200).cast(pl.Int64))
        ),
        provincial_rd_institution=_null(_ue(44) < 0.05, 45),
        national_award_top3=_null(_ue(46) < 0.01, 47),
        led_standard=_null(_ue(48) < 0.03, 49),
        abnormal_or_blacklisted=_null(_u(50) < 0.02, 51),
        major_incident=_null(_u(52) < 0.01, 53),
        tech_contract_turnover=_null(_yuan(revenue * _u(54) * 20), 55, 0.3),
        talent_titles=_null((_u(56) * 3).floor().cast(pl.Int64), 57, 0.3),
    )
    return lf.drop("_e", "_k").collect().rechunk()  # one contiguous table, as a loaded one is


TECH_SME_SQL = """
WITH w AS (
  SELECT uscc,
    max(staff) FILTER (year = 2022) AS staff,
    max(tech_staff) FILTER (year = 2022) AS tech,
    max(sales_revenue) FILTER (year = 2022) AS revenue,
    max(total_cost) FILTER (year = 2022) AS cost,
    max(rd_expense) FILTER (year = 2022) AS rd,
    max(total_assets) FILTER (year = 2022) AS assets,
    max(ip_class1) FILTER (year = 2022) AS ip1,
    max(ip_class2) FILTER (year = 2022) AS ip2,
    bool_or(major_incident) FILTER (year IN (2022, 2023)) AS incident,
    bool_or(abnormal_or_blacklisted) FILTER (year IN (2022, 2023)) AS blacklisted,
    arg_max(industry_code, year) FILTER (industry_code IS NOT NULL AND year <= 2023) AS industry,
    arg_max(high_tech_cert_valid_to, year)
      FILTER (high_tech_cert_valid_to IS NOT NULL AND year <= 2023) AS cert,
    arg_max(national_award_top3, year)
      FILTER (national_award_top3 IS NOT NULL AND year <= 2023) AS award,
    arg_max(provincial_rd_institution, year)
      FILTER (provincial_rd_institution IS NOT NULL AND year <= 2023) AS rdinst,
    arg_max(led_standard, year) FILTER (led_standard IS NOT NULL AND year <= 2023) AS led
  FROM long GROUP BY uscc
), c AS (
  SELECT *,
    staff <= 500 AS c_staff, revenue <= 200000000 AS c_revenue, assets <= 200000000 AS c_assets,
    CASE WHEN regexp_matches(substr(regexp_replace(industry, '^[A-Za-z]+', ''), 1, 2),
                             '^[0-9]{2}$')
         THEN substr(regexp_replace(industry, '^[A-Za-z]+', ''), 1, 2) END AS division,
    NOT incident AS c_incident, NOT blacklisted AS c_black,
    CASE WHEN staff > 0 AND tech IS NOT NULL THEN CASE WHEN tech * 100 >= 30 * staff THEN 20
      WHEN tech * 100 >= 25 * staff THEN 16 WHEN tech * 100 >= 20 * staff THEN 12
      WHEN tech * 100 >= 15 * staff THEN 8 WHEN tech * 100 >= 10 * staff THEN 4 ELSE 0 END
    END AS p_st,
    CASE WHEN revenue > 0 AND rd IS NOT NULL THEN CASE WHEN rd * 100 >= 6 * revenue THEN 50
      WHEN rd * 100 >= 5 * revenue THEN 40 WHEN rd * 100 >= 4 * revenue THEN 30
      WHEN rd * 100 >= 3 * revenue THEN 20 WHEN rd * 100 >= 2 * revenue THEN 10 ELSE 0 END
    END AS p_rev,
    CASE WHEN cost > 0 AND rd IS NOT NULL THEN CASE WHEN rd * 100 >= 30 * cost THEN 50
      WHEN rd * 100 >= 25 * cost THEN 40 WHEN rd * 100 >= 20 * cost THEN 30
      WHEN rd * 100 >= 15 * cost THEN 20 WHEN rd * 100 >= 10 * cost THEN 10 ELSE 0 END
    END AS p_cost,
    CASE WHEN ip1 >= 1 THEN 30 WHEN ip1 IS NOT NULL THEN 0 END AS p_ip1,
    CASE WHEN ip2 >= 4 THEN 24 WHEN ip2 >= 3 THEN 18 WHEN ip2 >= 2 THEN 12 WHEN ip2 >= 1 THEN 6
         WHEN ip2 IS NOT NULL THEN 0 END AS p_ip2,
    coalesce(cert >= DATE '2023-06-30', false) AS d_cert
  FROM w
), s AS (
  SELECT *,
    c_industry_raw AS c_industry,
    coalesce(c_staff AND c_revenue AND c_assets AND c_industry_raw AND c_incident AND c_black,
             false) AS eligible,
    d_cert OR coalesce(award, false) OR coalesce(rdinst, false) OR coalesce(led, false)
      AS direct,
    CASE WHEN p_rev IS NULL THEN p_cost WHEN p_cost IS NULL THEN p_rev
         ELSE greatest(p_rev, p_cost) END AS p_rd,
    CASE WHEN p_ip1 IS NULL THEN p_ip2 WHEN p_ip2 IS NULL THEN p_ip1
         ELSE greatest(p_ip1, p_ip2) END AS p_ip
  FROM (SELECT *, division NOT IN ('16', '51', '52', '61', '62', '70', '71', '72', '90')
        AS c_industry_raw FROM c)
), t AS (
  SELECT *, p_st + p_rd + p_ip AS total, NOT (eligible AND direct) AS gate,
    p_rev IS NULL AND p_cost IS NULL AS rd_none FROM s
)
SELECT uscc, eligible,
  CASE WHEN NOT gate THEN NULL ELSE total END AS score, p_st, p_rd, p_ip,
  CASE WHEN NOT gate THEN 'direct:' || CASE WHEN d_cert THEN 'high_tech'
         WHEN award THEN 'national_award' WHEN rdinst THEN 'rd_institution'
         ELSE 'led_standard' END
       WHEN eligible AND total >= 60 AND p_st <> 0 THEN 'score' END AS qualified_by,
  concat_ws(';',
    CASE WHEN NOT c_staff THEN 'ineligible:staff_cap' END,
    CASE WHEN staff IS NULL THEN 'missing:staff' END,
    CASE WHEN NOT c_revenue THEN 'ineligible:revenue_cap' END,
    CASE WHEN revenue IS NULL THEN 'missing:sales_revenue' END,
    CASE WHEN NOT c_assets THEN 'ineligible:assets_cap' END,
    CASE WHEN assets IS NULL THEN 'missing:total_assets' END,
    CASE WHEN NOT c_industry THEN 'ineligible:industry_allowed' END,
    CASE WHEN industry IS NULL THEN 'missing:industry_code' END,
    CASE WHEN industry IS NOT NULL AND division IS NULL
         THEN 'not_computable:industry_division' END,
    CASE WHEN NOT c_incident THEN 'ineligible:no_incident' END,
    CASE WHEN incident IS NULL THEN 'missing:major_incident' END,
    CASE WHEN NOT c_black THEN 'ineligible:not_blacklisted' END,
    CASE WHEN blacklisted IS NULL THEN 'missing:abnormal_or_blacklisted' END,
    CASE WHEN gate AND tech IS NULL THEN 'missing:tech_staff' END,
    CASE WHEN gate AND tech IS NOT NULL AND staff <= 0 THEN 'not_computable:st_staff_share' END,
    CASE WHEN gate AND rd_none AND rd IS NULL THEN 'missing:rd_expense' END,
    CASE WHEN gate AND rd_none AND rd IS NOT NULL AND revenue <= 0
         THEN 'not_computable:rd_to_revenue' END,
    CASE WHEN gate AND rd_none AND cost IS NULL THEN 'missing:total_cost' END,
    CASE WHEN gate AND rd_none AND rd IS NOT NULL AND cost <= 0
         THEN 'not_computable:rd_to_cost' END,
    CASE WHEN gate AND p_ip1 IS NULL AND p_ip2 IS NULL THEN 'missing:ip_class1' END,
    CASE WHEN gate AND p_ip1 IS NULL AND p_ip2 IS NULL THEN 'missing:ip_class2' END,
    CASE WHEN gate AND total < 60 THEN 'score_below_pass' END,
    CASE WHEN gate AND p_st = 0 THEN 'zero_points:st_staff' END
  ) AS reasons
FROM t
"""


def _best(run: Callable[[], Any], repeat: int = 3) -> tuple[float, float, Any]:
    """Best wall time of a few runs, with the process CPU time of that run."""
    best, cpu, result, _ = _runs(run, repeat)
    return best, cpu, result


def _runs(run: Callable[[], Any], repeat: int) -> tuple[float, float, Any, float]:
    """As _best, and the first run's wall time (the one a fresh process pays: its memory is
    faulted in for the first time)."""
    best, cpu, result, first = float("inf"), 0.0, None, 0.0
    for i in range(repeat):
        # The previous result is let go first, as a batch does between runs: kept, its memory
        # would be taken afresh from the system by the next run and timed with it.
        result = None
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run()
        took = time.perf_counter() - start
        first = took if i == 0 else first
        if took < best:
            best, cpu = took, time.process_time() - start_cpu
    return best, cpu, result, first


def main() -> None:
    specs = [load_program(p, 2023) for p, years in available().items() if 2023 in years]
    tech = next(s for s in specs if s.program == "tech-sme")
    start = time.perf_counter()
    frame = make_frame(N)
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=1)
    print(
        f"data: {N:,} enterprises × {len(YEARS)} years = {frame.height:,} rows, "
        f"{frame.estimated_size('mb'):,.0f} MB, made in {time.perf_counter() - start:.1f} s; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before timing"
    )

    t_all, c_all, results, t_first = _runs(lambda: evaluate_many(specs, frame), 3)
    passes = ", ".join(
        f"{k.split('/')[0]} {int((v['verdict'] == 'pass').sum()):,}" for k, v in results.items()
    )
    print(
        f"engine, all {len(specs)} programs, rows grouped by enterprise: {t_all:.2f} s "
        f"(CPU {c_all:.2f} s; goal ≤ 2 s), best of 3; the first run {t_first:.2f} s\n"
        f"  passes: {passes}"
    )
    # Where the time goes: each program evaluated alone (its own preparation included).
    alone = []
    for spec in specs:
        took, cpu, _ = _best(partial(evaluate, spec, frame), repeat=1)
        alone.append(f"{spec.program} {took:.2f} s (CPU {cpu:.2f})")
    print("  each program alone, one run: " + ", ".join(alone))
    t_shuf, c_shuf, _ = _best(lambda: evaluate_many(specs, shuffled))
    print(
        f"engine, all {len(specs)} programs, rows shuffled:             {t_shuf:.2f} s "
        f"(CPU {c_shuf:.2f} s)"
    )
    t_tech, c_tech, engine = _best(lambda: evaluate(tech, frame))
    print(f"engine, tech-SME alone:  {t_tech:.2f} s (CPU {c_tech:.2f} s)")

    con = duckdb.connect()
    con.register("long", frame)
    t_duck, c_duck, duck = _best(lambda: con.sql(TECH_SME_SQL).pl())
    print(f"DuckDB SQL, tech-SME:    {t_duck:.2f} s (CPU of this process {c_duck:.2f} s)")
    joined = engine.with_columns(pl.col("reasons").list.join(";")).join(
        duck, on="uscc", suffix="_sql"
    )
    same = joined.filter(
        (pl.col("eligible") == pl.col("eligible_sql"))
        & pl.col("score").eq_missing(pl.col("score_sql"))
        & pl.col("points_rd").eq_missing(pl.col("p_rd"))
        & pl.col("qualified_by").eq_missing(pl.col("qualified_by_sql"))
        & (pl.col("reasons") == pl.col("reasons_sql"))
    ).height
    print(
        f"  engine and SQL agree on {same:,} of {engine.height:,} rows "
        "(eligible, score, points, qualified_by, reasons)"
    )

    sample = frame.filter(
        pl.col("uscc").is_in(frame["uscc"].unique(maintain_order=True).head(SAMPLE).implode())
    )
    records = records_from_frame(sample)
    ref_all = 0.0
    ref_tech = 0.0
    for spec in specs:
        start = time.perf_counter()
        reference_evaluate_all(spec, records)
        took = time.perf_counter() - start
        ref_all += took
        if spec is tech:
            ref_tech = took
    scale = N / len(records)
    print(
        f"reference, {len(records):,} enterprises: all programs {ref_all:.2f} s, "
        f"tech-SME {ref_tech:.2f} s → {N:,}: {ref_all * scale:.0f} s / {ref_tech * scale:.0f} s"
    )
    print("ratios:")
    print(f"  all programs vs the 2 s goal:   {t_all / 2:.2f}× the budget")
    print(f"  tech-SME, DuckDB ÷ engine:      {t_duck / t_tech:.2f} (goal ≥ 1)")
    # Machines differ from day to day; the DuckDB run of the same hour is the yardstick.
    print(f"  all programs ÷ DuckDB tech-SME: {t_all / t_duck:.2f}")
    print(f"  reference ÷ engine, all:        {ref_all * scale / t_all:.0f}× (goal ≥ 30)")
    print(f"  reference ÷ engine, tech-SME:   {ref_tech * scale / t_tech:.0f}×")
    print(f"load average after timing: {os.getloadavg()[0]:.1f}")
