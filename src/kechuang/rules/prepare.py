"""From the long input frame (one row per enterprise × fiscal year) to one row per enterprise.

Money becomes Int64 fen so that every band edge is decided by integer arithmetic. Each value a
spec reads becomes a column `<field>@<year>`; enterprise-level values and anything read as
"latest" become `<field>@latest`: the latest non-empty value in a fiscal year up to N.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import polars as pl

from kechuang.rules.fields import BY_KEY, FIELDS, Field
from kechuang.rules.spec import Measure, Spec, leaves


class InputError(ValueError):
    """The input frame cannot be evaluated (wrong types, duplicate enterprise-years)."""


_TYPES: dict[str, pl.DataType] = {
    "text": pl.String(),
    "code": pl.String(),
    "date": pl.Date(),
    "int": pl.Int64(),
    "count": pl.Int64(),
    "money": pl.Int64(),
    "bool": pl.Boolean(),
}


def dtype(field: Field) -> pl.DataType:
    return _TYPES[field.kind]


def _money(name: str, source: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if isinstance(source, pl.Decimal):
        # Half away from zero to the fen, like Decimal.quantize(ROUND_HALF_UP).
        return (col.cast(pl.Decimal(38, 2)) * 100).cast(pl.Int64)
    if source.is_integer():
        return col.cast(pl.Int64) * 100
    if source.is_float():
        return (col * 100).round(0).cast(pl.Int64)
    raise InputError(f"column {name}: money must be Decimal, integer or float, not {source}")


def normalise(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Cast the known columns to the engine's types; absent optional columns become null."""
    lf = frame.lazy()
    schema = lf.collect_schema()
    for key in ("uscc", "year"):
        if key not in schema:
            raise InputError(f"the input has no {key} column")
    exprs = []
    for field in FIELDS:
        name = field.key
        if name not in schema:
            exprs.append(pl.lit(None, dtype(field)).alias(name))
            continue
        source = schema[name]
        if field.kind == "money":
            exprs.append(_money(name, source).alias(name))
        elif field.kind == "date" and isinstance(source, pl.Datetime):
            exprs.append(pl.col(name).dt.date().alias(name))
        elif field.kind == "date" and source == pl.String:
            exprs.append(pl.col(name).str.to_date("%Y-%m-%d").alias(name))
        else:
            exprs.append(pl.col(name).cast(dtype(field)).alias(name))
    return lf.select(exprs)


def column(field: str, year: int | None) -> str:
    return f"{field}@latest" if year is None else f"{field}@{year}"


def needs(spec: Spec) -> tuple[dict[int, set[str]], set[str]]:
    """The (fiscal year → fields) a spec reads, and the fields it reads as latest."""
    by_year: dict[int, set[str]] = {}
    latest: set[str] = {"founded_on", "region_code", "industry_code", "city_code"}
    if spec.cohort:
        latest |= set(spec.cohort.group_by)
    for m in spec.measures.values():
        for field, year in measure_inputs(m):
            if year is None:
                latest.add(field)
            else:
                by_year.setdefault(year, set()).add(field)
    return by_year, latest


def measure_inputs(m: Measure) -> Iterable[tuple[str, int | None]]:
    fields = [f for f in (m.field, m.num, m.den) if f]
    if m.kind in ("ratio", "field", "valid_on", "division", "convert"):
        yield from ((f, m.year) for f in fields)
    elif m.kind in ("growth", "cagr"):
        assert m.year is not None and m.field
        yield (m.field, m.year)
        yield (m.field, m.year - m.span)
    elif m.kind == "window":
        yield from ((f, y) for f in fields for y in m.years)
        if m.agg != "any":
            yield ("founded_on", None)
    elif m.kind == "age":
        yield ("founded_on", None)


def prepare(frame: pl.DataFrame | pl.LazyFrame, specs: Iterable[Spec]) -> pl.DataFrame:
    """One row per enterprise with every column the given specs read (all of one year N)."""
    specs = list(specs)
    horizons = {s.year for s in specs}
    if len(horizons) != 1:
        raise InputError("prepare() takes specs of one evaluation year at a time")
    horizon = horizons.pop()
    by_year: dict[int, set[str]] = {}
    latest: set[str] = set()
    for spec in specs:
        y, lt = needs(spec)
        latest |= lt
        for year, wanted in y.items():
            by_year.setdefault(year, set()).update(wanted)
    lf = normalise(frame).with_columns(
        # Joining on 64-bit hashes is three times faster than on the 18-character codes;
        # a second, independent hash proves after the join that no two codes collided.
        pl.col("uscc").hash(1).alias("_k"),
        pl.col("uscc").hash(2).alias("_k2"),
    )
    present = sorted(
        y
        for y in lf.select(pl.col("year").unique()).collect().to_series().to_list()
        if y is not None and y <= horizon
    )
    keys = lf.select("_k", "_k2", "uscc").unique(subset="_k", keep="first", maintain_order=True)
    checks = []
    for year in sorted(set(present) | set(by_year)):
        if year not in present:
            keys = keys.with_columns(
                pl.lit(None, dtype(BY_KEY[f])).alias(column(f, year)) for f in by_year[year]
            )
            continue
        fields = sorted(by_year.get(year, set()) | latest)
        part = lf.filter(pl.col("year") == year).select(
            "_k",
            pl.col("_k2").alias(f"_k2@{year}"),
            *[pl.col(f).alias(column(f, year)) for f in fields],
        )
        keys = keys.join(part, on="_k", how="left", maintain_order="left")
        checks.append(pl.col(f"_k2@{year}").is_null() | (pl.col(f"_k2@{year}") == pl.col("_k2")))
    keys = keys.with_columns(
        pl.coalesce([pl.col(column(f, y)) for y in reversed(present)]).alias(column(f, None))
        if present
        else pl.lit(None, dtype(BY_KEY[f])).alias(column(f, None))
        for f in sorted(latest)
    )
    out = keys.with_columns(pl.all_horizontal(checks or [pl.lit(True)]).alias("_ok")).collect()
    n_keys = out.select(pl.col("_k").n_unique()).item()
    if out.height != n_keys or not out["_ok"].all():
        raise InputError(_duplicates_message(frame))
    drop = ["_k", "_k2", "_ok", *[c for c in out.columns if c.startswith("_k2@")]]
    return out.drop(drop)


def _duplicates_message(frame: pl.DataFrame | pl.LazyFrame) -> str:
    dup = frame.lazy().group_by("uscc", "year").len().filter(pl.col("len") > 1).head(3).collect()
    if dup.height:
        found = ", ".join(f"{r['uscc']} {r['year']}" for r in dup.iter_rows(named=True))
        return f"the input has more than one row for the same enterprise and year: {found}"
    return "two enterprise codes share a hash; evaluate them in separate frames"


def used_fields(spec: Spec) -> set[str]:
    """Every input field a spec reads (for explanations and error messages)."""
    out: set[str] = set()
    for m in spec.measures.values():
        out |= {f for f, _ in measure_inputs(m)}
    for c in (*spec.eligibility, *spec.direct):
        for leaf in leaves(c.test):
            out |= {f for f, _ in measure_inputs(spec.measures[leaf.measure])}
    return out


def records_from_frame(frame: pl.DataFrame | pl.LazyFrame) -> list[dict[str, Any]]:
    """Group a long frame into records, in order of first appearance, money as Decimal."""
    rows = normalise(frame).collect()
    money = {f.key for f in FIELDS if f.kind == "money"}
    records: dict[str, dict[str, Any]] = {}
    for row in rows.iter_rows(named=True):
        rec = records.setdefault(row["uscc"], {"uscc": row["uscc"], "years": {}})
        values = {
            k: (Decimal(v).scaleb(-2) if k in money and v is not None else v)
            for k, v in row.items()
            if k not in ("uscc", "year")
        }
        rec["years"][row["year"]] = values
    return list(records.values())
