"""What changes if spec A is replaced by spec B: the enterprises whose verdict flips."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kechuang.rules.engine import evaluate
from kechuang.rules.prepare import normalise
from kechuang.rules.spec import Spec


@dataclass(frozen=True)
class Simulation:
    flips: pl.DataFrame  # uscc, city_code, industry_division, verdict/score/qualified_by _a, _b
    by_city: pl.DataFrame  # city_code, to_pass, to_fail
    by_industry: pl.DataFrame  # industry_division, to_pass, to_fail
    passes_a: int
    passes_b: int

    @property
    def to_pass(self) -> int:
        return int((self.flips["verdict_b"] == "pass").sum())

    @property
    def to_fail(self) -> int:
        return int((self.flips["verdict_b"] == "fail").sum())


def _places(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """City and industry division of each enterprise, from its latest non-empty values.

    The city is the optional city_code (the Shenfu zone reports as its own unit) or else the
    prefecture part of the region code.
    """
    latest = (
        normalise(frame)
        .sort("year")
        .group_by("uscc")
        .agg(pl.col(c).drop_nulls().last() for c in ("city_code", "region_code", "industry_code"))
    )
    prefecture = pl.col("region_code").str.slice(0, 4) + "00"
    division = pl.col("industry_code").str.replace(r"^[A-Za-z]+", "").str.slice(0, 2)
    return latest.select(
        "uscc",
        pl.coalesce("city_code", prefecture).alias("city_code"),
        pl.when(division.str.contains(r"^[0-9]{2}$")).then(division).alias("industry_division"),
    ).collect()


def _counts(flips: pl.DataFrame, key: str) -> pl.DataFrame:
    return (
        flips.group_by(key)
        .agg(
            (pl.col("verdict_b") == "pass").sum().cast(pl.Int64).alias("to_pass"),
            (pl.col("verdict_b") == "fail").sum().cast(pl.Int64).alias("to_fail"),
        )
        .sort(key, nulls_last=True)
    )


def simulate(spec_a: Spec, spec_b: Spec, frame: pl.DataFrame | pl.LazyFrame) -> Simulation:
    keep = ["uscc", "verdict", "score", "qualified_by"]
    a = evaluate(spec_a, frame).select(keep)
    b = evaluate(spec_b, frame).select(keep)
    both = a.join(b, on="uscc", suffix="_b").rename(
        {"verdict": "verdict_a", "score": "score_a", "qualified_by": "qualified_by_a"}
    )
    flips = (
        both.filter(pl.col("verdict_a") != pl.col("verdict_b"))
        .join(_places(frame), on="uscc", how="left")
        .select(
            "uscc",
            "city_code",
            "industry_division",
            "verdict_a",
            "verdict_b",
            "score_a",
            "score_b",
            "qualified_by_a",
            "qualified_by_b",
        )
        .sort("uscc")
    )
    return Simulation(
        flips=flips,
        by_city=_counts(flips, "city_code"),
        by_industry=_counts(flips, "industry_division"),
        passes_a=int((a["verdict"] == "pass").sum()),
        passes_b=int((b["verdict"] == "pass").sum()),
    )
