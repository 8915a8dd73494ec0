"""From the long frame (one row per enterprise × fiscal year) to one row per enterprise.

Rows are read block by block, one block per enterprise, by gathering row j of every block at
once: no hash join or aggregation, which Polars does slowly with many columns. Rows already
grouped by enterprise with rising years (a file or query ordered that way) are used as they
come; others are first ordered by a sort on a hash of the code and the year.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from kechuang.rules.fields import BY_KEY
from kechuang.rules.prepare import (
    InputError,
    column,
    dtype,
    needs,
    normalise,
    ymd,
    ymd_column,
    ymd_fields,
)
from kechuang.rules.spec import Spec

MAX_BLOCK = 12  # more rows per enterprise than this: sort first, as for ungrouped rows


class _Plan:
    def __init__(self, specs: list[Spec]) -> None:
        horizons = {s.year for s in specs}
        if len(horizons) != 1:
            raise InputError("prepare() takes specs of one evaluation year at a time")
        self.horizon = horizons.pop()
        self.by_year: dict[int, set[str]] = {}
        self.latest: set[str] = set()
        # Dates read as yyyymmdd are taken apart once for all programs.
        self.ymd = sorted(set().union(*(ymd_fields(s) for s in specs)))
        for spec in specs:
            y, lt = needs(spec)
            self.latest |= lt
            for year, wanted in y.items():
                self.by_year.setdefault(year, set()).update(wanted)
        self.fields = sorted({f for fs in self.by_year.values() for f in fs} | self.latest)

    def outputs(self) -> list[tuple[str, int | None]]:
        pairs = [(f, y) for y in sorted(self.by_year) for f in sorted(self.by_year[y])]
        return pairs + [(f, None) for f in sorted(self.latest)]


def prepare(frame: pl.DataFrame | pl.LazyFrame, specs: Iterable[Spec]) -> pl.DataFrame:
    """One row per enterprise with every column the given specs read (all of one year N).

    Enterprises come out in order of first appearance.
    """
    plan = _Plan(list(specs))
    # One contiguous chunk per column (the in-memory engine keeps it so; the streaming one cuts
    # columns into morsels): gathers on a chunked column are three times slower.
    try:
        long = normalise(frame).select("uscc", "year", *plan.fields).collect(engine="in-memory")
    except pl.exceptions.PolarsError as exc:  # a cast that does not fit: text, overflow
        raise InputError(f"the input has a value of the wrong type or out of range: {exc}") from exc
    long = long.rechunk()
    if long.select(pl.col("uscc").is_null().any() | pl.col("year").is_null().any()).item():
        raise InputError("uscc and year must not be empty")
    out = _blocks(long, plan, grouped=True)
    if out is None:
        out = _blocks(long, plan, grouped=False)
    assert out is not None
    return out.select(
        "uscc",
        *[column(f, y) for f, y in plan.outputs()],
        *[ymd(pl.col(column(f, None))).alias(ymd_column(f)) for f in plan.ymd],
    )


def _blocks(long: pl.DataFrame, plan: _Plan, grouped: bool) -> pl.DataFrame | None:
    """Read each enterprise's rows as a block: row j of every block at once, by gathers.

    grouped: the rows already come grouped by enterprise with rising years (None if not).
    Otherwise they are put in that order first, by a sort on a hash of the code and the year.
    """
    n = long.height
    if n == 0:
        return pl.DataFrame({"uscc": []}, schema={"uscc": pl.String}).with_columns(
            pl.lit(None, dtype(BY_KEY[f])).alias(column(f, y)) for f, y in plan.outputs()
        )
    if grouped:
        order = None
        key = long["uscc"]
        year = long["year"]
    else:
        order = long.select(pl.arg_sort_by(pl.col("uscc").hash(1), "year")).to_series()
        key = long["uscc"].hash(1).gather(order)
        year = long["year"].gather(order)
    sorted_ = pl.DataFrame({"k": key, "y": year})
    if order is not None:  # a second hash, constant within a run, rules out a collision
        sorted_ = sorted_.with_columns(check=long["uscc"].hash(2).gather(order))
    new = (pl.col("k") != pl.col("k").shift(1)).fill_null(True)
    same = pl.col("check") == pl.col("check").shift(1) if order is not None else pl.lit(True)
    if not sorted_.select((new | ((pl.col("y") > pl.col("y").shift(1)) & same)).all()).item():
        if grouped:
            return None
        raise InputError(_duplicates_message(long))
    # Positions in Polars' own index type: a gather by any other first converts every index.
    starts = sorted_.select(new.arg_true().cast(pl.get_index_type())).to_series()
    ends = starts.shift(-1, fill_value=n)
    size = int((ends - starts).max() or 0)  # type: ignore[arg-type]
    if grouped and size > MAX_BLOCK:
        return None

    def original(pos: pl.Series) -> pl.Series:
        return pos if order is None else order.gather(pos)

    b = pl.DataFrame({"_s": starts, "_e": ends}).with_columns(
        pl.when(pl.col("_s") + j < pl.col("_e")).then(pl.col("_s") + j).alias(f"_p{j}")
        for j in range(size)
    )
    b = b.with_columns(original(b[f"_p{j}"]).alias(f"_o{j}") for j in range(size))
    if order is not None:
        # Enterprises in order of first appearance, as when the rows came grouped.
        b = b.sort(pl.min_horizontal(pl.col(f"_o{j}") for j in range(size)))
    codes = long["uscc"].gather(b["_o0"])
    # Codes compared by a hash, four times faster than as text: a collision only sends the rows
    # the sorting way, which makes no use of this test.
    distinct = codes.hash(3).n_unique() if grouped else codes.n_unique()
    if distinct != len(codes):
        # A code split over several runs (not grouped), or two codes sharing a hash.
        if grouped:
            return None
        raise InputError(_duplicates_message(long))
    b = b.with_columns(year.gather(b[f"_p{j}"]).alias(f"_y{j}") for j in range(size))
    in_time = [b[f"_y{j}"] <= plan.horizon for j in range(size)]
    at = {
        y: b.select(
            pl.coalesce(pl.when(pl.col(f"_y{j}") == y).then(pl.col(f"_o{j}")) for j in range(size))
        ).to_series()
        for y in plan.by_year
    }
    # Every column is one gather from the long frame; one select runs them side by side.
    exprs: list[pl.Expr] = [pl.col("uscc").gather(pl.lit(b["_o0"])).alias("uscc")]
    for f, y in plan.outputs():
        name = column(f, y)
        if long[f].null_count() == n:  # an absent optional column
            exprs.append(pl.lit(None, dtype(BY_KEY[f])).alias(name))
            continue
        if y is not None:
            exprs.append(pl.col(f).gather(pl.lit(at[y])).alias(name))
            continue
        # Later rows hold later years: the last non-empty one up to N is the latest.
        filled = pl.col(f).is_not_null()
        latest = pl.coalesce(
            pl.when(pl.lit(in_time[j]) & filled.gather(pl.lit(b[f"_o{j}"]))).then(
                pl.lit(b[f"_o{j}"])
            )
            for j in reversed(range(size))
        )
        exprs.append(pl.col(f).gather(latest).alias(name))
    return long.select(exprs)


def _duplicates_message(long: pl.DataFrame) -> str:
    dup = long.group_by("uscc", "year").len().filter(pl.col("len") > 1).sort("uscc").head(3)
    if dup.height:
        found = ", ".join(f"{r['uscc']} {r['year']}" for r in dup.iter_rows(named=True))
        return f"the input has more than one row for the same enterprise and year: {found}"
    return "two enterprise codes share a hash; evaluate them in separate frames"
