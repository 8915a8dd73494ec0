"""The registry as the rules engine's input: the long frame of exchange-formats §1, in bulk.

One SQL statement per table — enterprises, their yearly figures, and each table of facts —
read straight into Polars: on PostgreSQL through `COPY (SELECT …) TO STDOUT` and
`pl.read_csv`, on SQLite through one cursor fetch. No model instance is built. Money leaves
the database as integer fen and becomes Decimal(38, 2) yuan, exact, like the file reader's.

A yearly value the registry leaves empty (unknown) is filled from the enterprise record or its
dated facts, so that a batch run sees what the registry knows:
- `listed` from the listing status (listed by the end of that year);
- `high_tech_cert_valid_to` from the enterprise's certificate, once issued by the year's end;
- `provincial_rd_institution` when the R&D institution level is provincial or national;
- `national_award_top3` from a national award ranked in the top 3 within the five years to
  that year, `led_standard` from a standard led within the same window;
- `abnormal_or_blacklisted` from a list entry in force at some time in the year,
  `major_incident` from an incident that year.
A fact only ever turns "unknown" into "yes": its absence is not read as "no".
Optional columns beyond §1: `city_code`, `zone_code` (the zone's id as text: the cohort of
innovation points), `software_enterprise_cert`, `provincial_award`, `contest_prize`.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection

from kechuang.registry.models import (
    Award,
    Enterprise,
    EnterpriseYear,
    Incident,
    ListEntry,
    StandardLed,
)
from kechuang.rules.fields import FIELDS

FACT_YEARS = 5  # awards and standards count "in the last five years" (rules.md §1)
MONEY = (*EnterpriseYear.MONEY, *EnterpriseYear.SIGNED_MONEY)
COUNTS = EnterpriseYear.COUNTS
FLAGS = EnterpriseYear.FLAGS
# The §1 columns, then the optional ones this frame adds, in the order of rules.fields.
EXTRA = ("city_code", "zone_code", "software_enterprise_cert", "provincial_award", "contest_prize")
COLUMNS: tuple[str, ...] = tuple(f.key for f in FIELDS if not f.extra or f.key in EXTRA)


@dataclass(frozen=True)
class Selection:
    """Which enterprises and years to read.

    `city` is a reporting unit (a city code or SHENFU), `county` a county code; `through` is
    the last fiscal year read; `active` keeps only enterprises with figures for a year in
    that range (an evaluation reads nobody who filed nothing in the years it looks at).
    """

    city: str | None = None
    county: str | None = None
    through: int | None = None
    active: tuple[int, int] | None = None


def logged(cursor: Any, sql: str, params: Sequence[Any] = ()) -> Any:
    """Log a COPY like any query (debug logs, query counts): it bypasses Django's cursor."""
    debug = getattr(cursor, "debug_sql", None)
    return debug(sql, params) if debug is not None else contextlib.nullcontext()


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _fen(column: str) -> str:
    if _pg():
        return f"ROUND({column} * 100)::bigint"
    # SQLite keeps decimals as numbers; rounding the product is exact to the fen.
    return f"CAST(ROUND({column} * 100) AS INTEGER)"


def _flag(column: str) -> str:
    return f"{column}::int" if _pg() else column


def _flag_type() -> Any:
    # COPY prints booleans as t/f, so PostgreSQL sends them as 0/1; SQLite's driver as bools.
    return pl.Int64 if _pg() else pl.Boolean


def _fetch(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """One statement's rows as a frame with `schema` (its column names and raw types)."""
    with connection.cursor() as cur:
        if _pg():
            buf = io.BytesIO()
            statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
            with logged(cur, statement, params), cur.cursor.copy(statement, params) as copy:
                for chunk in copy:
                    buf.write(chunk)
            if not buf.tell():
                return pl.DataFrame(schema=schema)
            buf.seek(0)
            return pl.read_csv(buf, has_header=False, schema=schema)
        cur.execute(sql, params)
        return pl.DataFrame(cur.fetchall(), schema=schema, orient="row")


def _where(sel: Selection, alias: str) -> tuple[list[str], list[Any]]:
    where, params = [], []
    if sel.city:
        where.append(f"{alias}.city_id = %s")
        params.append(sel.city)
    if sel.county:
        where.append(f"{alias}.region_id = %s")
        params.append(sel.county)
    return where, params


def _enterprises(sel: Selection) -> pl.DataFrame:
    e = Enterprise._meta.db_table
    where, params = _where(sel, "e")
    sql = (
        "SELECT e.id, e.uscc, e.name, e.founded_on, e.region_id, e.industry_id, e.city_id, "
        "CAST(e.zone_id AS TEXT), e.listing_status, e.listed_on, e.high_tech_valid_from, "
        f"e.high_tech_valid_to, e.rd_institution_level, {_flag('e.is_software_enterprise')} "
        f"FROM {e} e" + (" WHERE " + " AND ".join(where) if where else "")
    )
    schema = {
        "enterprise_id": pl.Int64,
        "uscc": pl.String,
        "name": pl.String,
        "founded_on": pl.Date,
        "region_code": pl.String,
        "industry_code": pl.String,
        "city_code": pl.String,
        "zone_code": pl.String,
        "_listing": pl.String,
        "_listed_on": pl.Date,
        "_cert_from": pl.Date,
        "_cert_to": pl.Date,
        "_rd_level": pl.String,
        "software_enterprise_cert": _flag_type(),
    }
    return _fetch(sql, params, schema)


def _years(sel: Selection) -> pl.DataFrame:
    y, e = EnterpriseYear._meta.db_table, Enterprise._meta.db_table
    where, params = _where(sel, "e")
    if sel.through is not None:
        where.append("y.year <= %s")
        params.append(sel.through)
    cols = [f"y.{c}" for c in COUNTS] + [_fen(f"y.{c}") for c in MONEY]
    cols += [_flag(f"y.{c}") for c in FLAGS] + ["y.high_tech_cert_valid_to"]
    join = f" JOIN {e} e ON e.id = y.enterprise_id" if sel.city or sel.county else ""
    sql = f"SELECT y.enterprise_id, y.year, {', '.join(cols)} FROM {y} y{join}" + (
        " WHERE " + " AND ".join(where) if where else ""
    )
    schema: dict[str, Any] = {"enterprise_id": pl.Int64, "year": pl.Int64}
    schema |= {c: pl.Int64 for c in (*COUNTS, *MONEY)} | {c: _flag_type() for c in FLAGS}
    schema["high_tech_cert_valid_to"] = pl.Date
    return _fetch(sql, params, schema)


def _facts(sel: Selection, model: type[Any], columns: str, schema: dict[str, Any]) -> pl.DataFrame:
    e = Enterprise._meta.db_table
    where, params = _where(sel, "e")
    join = f" JOIN {e} e ON e.id = f.enterprise_id" if where else ""
    sql = f"SELECT f.enterprise_id, {columns} FROM {model._meta.db_table} f{join}" + (
        " WHERE " + " AND ".join(where) if where else ""
    )
    return _fetch(sql, params, {"enterprise_id": pl.Int64, **schema})


def _yuan(name: str) -> pl.Expr:
    fen = pl.col(name).cast(pl.Decimal(38, 0)) * pl.lit(Decimal("0.01"))
    return fen.cast(pl.Decimal(38, 2)).alias(name)


def _fact_years(sel: Selection, horizon: int) -> pl.DataFrame:
    """(enterprise_id, year) → the flags its dated facts give for that fiscal year."""
    window = [pl.int_ranges(pl.col("y0"), pl.col("y0") + FACT_YEARS).alias("year")]
    awards = _facts(
        sel,
        Award,
        "f.level, f.year, f.rank",
        {"level": pl.String, "y0": pl.Int64, "rank": pl.Int64},
    )
    awards = awards.with_columns(*window).explode("year")
    national = (pl.col("level") == "national") & (pl.col("rank") <= 3)
    parts = [
        awards.group_by("enterprise_id", "year").agg(
            national.any().alias("national_award_top3"),
            pl.col("level").is_in(["national", "provincial"]).any().alias("provincial_award"),
            pl.col("level").str.starts_with("contest_").any().alias("contest_prize"),
        ),
        _facts(sel, StandardLed, "f.year", {"y0": pl.Int64})
        .with_columns(*window)
        .explode("year")
        .select("enterprise_id", "year", pl.lit(True).alias("led_standard")),
        _facts(sel, ListEntry, "f.listed_on, f.removed_on", {"on": pl.Date, "off": pl.Date})
        .with_columns(
            pl.int_ranges(
                pl.col("on").dt.year(),
                pl.coalesce(pl.col("off").dt.year(), pl.lit(horizon)) + 1,
                dtype=pl.Int64,
            ).alias("year")
        )
        .explode("year")
        .select("enterprise_id", "year", pl.lit(True).alias("abnormal_or_blacklisted")),
        _facts(sel, Incident, "f.occurred_on", {"on": pl.Date}).select(
            "enterprise_id",
            pl.col("on").dt.year().cast(pl.Int64).alias("year"),
            pl.lit(True).alias("major_incident"),
        ),
    ]
    out = pl.DataFrame(schema={"enterprise_id": pl.Int64, "year": pl.Int64})
    for part in parts:
        part = part.drop_nulls("year").unique(["enterprise_id", "year"])
        out = out.join(part, on=["enterprise_id", "year"], how="full", coalesce=True)
    return out


def registry_frame(selection: Selection | None = None) -> pl.DataFrame:
    """The long frame (one row per enterprise and fiscal year) of the selected enterprises.

    Columns: `enterprise_id`, then the keys of `COLUMNS` with the engine's types; rows grouped
    by enterprise, years rising, so the engine reads them block by block.
    """
    sel = selection or Selection()
    firms = _enterprises(sel)
    years = _years(sel)
    if sel.active is not None:
        lo, hi = sel.active
        filed = years.filter(pl.col("year").is_between(lo, hi)).select("enterprise_id").unique()
        years = years.join(filed, on="enterprise_id", how="semi")
    horizon = sel.through or int(years["year"].max() or 0)  # type: ignore[arg-type]
    facts = _fact_years(sel, horizon)
    long = years.join(firms, on="enterprise_id", how="inner").join(
        facts, on=["enterprise_id", "year"], how="left", suffix="_fact"
    )
    year_end = pl.date(pl.col("year"), 12, 31)
    listed_by = pl.col("_listing") == Enterprise.ListingStatus.LISTED
    listed_by = listed_by & (pl.col("_listed_on").is_null() | (pl.col("_listed_on") <= year_end))
    cert = pl.when(pl.col("_cert_from").is_null() | (pl.col("_cert_from") <= year_end)).then(
        pl.col("_cert_to")
    )
    rd_level = pl.col("_rd_level").is_in(["provincial", "national"])

    def fill(name: str, fallback: pl.Expr) -> pl.Expr:
        return pl.coalesce(pl.col(name), fallback).alias(name)

    def fact(name: str) -> pl.Expr:
        return pl.when(pl.col(f"{name}_fact")).then(True)

    flags = [pl.col(c).cast(pl.Boolean) for c in (*FLAGS, "software_enterprise_cert")]
    long = long.with_columns(*flags)
    filled = long.with_columns(
        fill("listed", listed_by),
        fill("high_tech_cert_valid_to", cert),
        fill("provincial_rd_institution", pl.when(rd_level).then(True)),
        *[
            fill(name, fact(name))
            for name in (
                "national_award_top3",
                "led_standard",
                "abnormal_or_blacklisted",
                "major_incident",
            )
        ],
        *[_yuan(c) for c in MONEY],
    )
    return filled.sort("enterprise_id", "year").select("enterprise_id", *COLUMNS)
