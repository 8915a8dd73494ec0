"""The input frame: its columns and types, and which of its values each spec reads.

Money becomes Int64 fen so that every band edge is decided by integer arithmetic. Each value a
spec reads becomes a column `<field>@<year>` of the one-row-per-enterprise frame (pivot.py);
enterprise-level values and anything read as "latest" become `<field>@latest`: the latest
non-empty value in a fiscal year up to N.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import polars as pl

from kechuang.rules.fields import FIELDS, Field
from kechuang.rules.spec import Measure, Spec


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
    if isinstance(source, pl.Decimal) and (source.scale or 0) <= 2:
        # A decimal is stored as an integer count of 10^-scale: at scale 2 that is the fen.
        return col.to_physical().cast(pl.Int64) * 10 ** (2 - (source.scale or 0))
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


def ymd_column(field: str) -> str:
    """The latest value of a date field as the integer yyyymmdd."""
    return f"{field}@latest.ymd"


def ymd(date: pl.Expr) -> pl.Expr:
    return (
        date.dt.year().cast(pl.Int64) * 10_000
        + date.dt.month().cast(pl.Int64) * 100
        + date.dt.day().cast(pl.Int64)
    )


def ymd_fields(spec: Spec) -> set[str]:
    """The date fields a spec reads as yyyymmdd: an age is a difference of two of them."""
    return {"founded_on"} if any(m.kind == "age" for m in spec.measures.values()) else set()


def needs(spec: Spec) -> tuple[dict[int, set[str]], set[str]]:
    """The (fiscal year → fields) a spec reads, and the fields it reads as latest."""
    by_year: dict[int, set[str]] = {}
    latest: set[str] = set()
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
