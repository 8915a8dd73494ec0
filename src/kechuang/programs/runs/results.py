"""Engine output → result rows, written in bulk; and a stored row back to what `explain` reads.

The JSON columns are built as text by Polars, column-wise, so that a million results are
encoded in about a second: `points` as a list of each criterion's points, `reasons` as the
positions of the codes, `detail` as a compact list of values (yes/no as 1/0); the run keeps
the keys of all three once. Writes go
by chunks — COPY on PostgreSQL, executemany on SQLite — each its own transaction, so that the
run's progress is visible while it writes; a run that fails has its rows deleted.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

import polars as pl
from django.db import connection, transaction

from kechuang.core.side_by_side import side_by_side
from kechuang.programs.frames import logged
from kechuang.programs.runs.models import (
    EvaluationResult,
    EvaluationRun,
    codes_by_position,
    points_by_name,
)
from kechuang.rules import Spec
from kechuang.rules.plan import possible_reasons

CHUNK = 100_000
SLICE = 50_000  # rows encoded together, at least
COLUMNS = (
    "run_id",
    "enterprise_id",
    "program",
    "year",
    "eligible",
    "score",
    "verdict",
    "qualified_by",
    "points",
    "reasons",
    "detail",
    "stage",
    "cohort",
    "rank",
    "cohort_size",
    "percentile",
    "tier",
)
TEXT = ("qualified_by", "stage", "cohort", "tier")  # NOT NULL text: empty, never null


def point_keys(spec: Spec) -> list[str]:
    """The criteria whose points a result row holds, in the order of its `points` values."""
    return [c.removeprefix("points_") for c in spec.criterion_columns()]


def reason_keys(spec: Spec) -> list[str]:
    """Every reason code the rules can give: a result row holds the positions of its own."""
    return possible_reasons(spec)


def detail_keys(result: pl.DataFrame) -> list[str]:
    """The columns `explain` reads beyond the ones a result row has its own field for."""
    return [
        c
        for c in result.columns
        if c.startswith(("cond_", "option_", "value_")) or (c.startswith("points_") and "__" in c)
    ]


def _json(col: str, dtype: pl.DataType, compact: bool = False) -> pl.Expr:
    """A column's values as JSON literals ("null" when empty). `compact`: booleans as 1/0,
    whole floats as integers and zero decimals as 0 (the reader knows which keys are yes/no)."""
    c = pl.col(col)
    if dtype == pl.String:
        escaped = c.str.replace_all("\\", "\\\\", literal=True).str.replace_all(
            '"', '\\"', literal=True
        )
        text = pl.concat_str(pl.lit('"'), escaped, pl.lit('"'))
    elif dtype.is_float():
        whole = c.round(0)
        number = c.round(6).cast(pl.String)
        if compact:
            number = (
                pl.when(c == whole).then(whole.cast(pl.Int64).cast(pl.String)).otherwise(number)
            )
        text = pl.when(c.is_finite()).then(number)
    elif isinstance(dtype, pl.Decimal) and compact:
        # Most of an innovation-points row's 21 points are nothing: "0", not "0.00".
        text = pl.when(c == 0).then(pl.lit("0")).otherwise(c.cast(pl.String))
    elif dtype == pl.Boolean and compact:
        # Literals chosen per row: a third of the time of casting through Int8 to text.
        return (
            pl.when(c).then(pl.lit("1")).when(c.not_()).then(pl.lit("0")).otherwise(pl.lit("null"))
        )
    else:  # booleans print true/false, integers and decimals as numbers
        text = c.cast(pl.String)
    return text.fill_null("null")


def _array(result: pl.DataFrame, cols: list[str]) -> pl.Expr:
    if not cols:
        return pl.lit("[]")
    items = [_json(c, result.schema[c], compact=True) for c in cols]
    return pl.concat_str([pl.lit("["), pl.concat_str(items, separator=","), pl.lit("]")])


def _reasons(keys: list[str]) -> pl.Expr:
    """The positions of a row's reason codes among `keys`, as a JSON list."""
    at = pl.element().replace_strict(keys, range(len(keys)), return_dtype=pl.Int64)
    positions = pl.col("reasons").list.eval(at.cast(pl.String)).list.join(",")
    return pl.concat_str(pl.lit("["), positions, pl.lit("]"))


def result_table(
    spec: Spec, result: pl.DataFrame, frame: pl.DataFrame, run_id: int
) -> pl.DataFrame:
    """One row per evaluated enterprise with the columns of EvaluationResult (COLUMNS)."""
    group = list(spec.cohort.group_by) if spec.cohort else []
    first = pl.col("enterprise_id") != pl.col("enterprise_id").shift(1).fill_null(-1)
    firms = frame.filter(first).select("uscc", "enterprise_id", *group)
    if firms.height == result.height and firms["uscc"].equals(result["uscc"]):
        # The engine keeps the order in which enterprises first appear: no join needed.
        table = result.with_columns(firms.drop("uscc"))
    else:
        table = result.join(firms, on="uscc", how="left", maintain_order="left")
    score = pl.col("score")
    if spec.cohort is not None:
        keys = [pl.col(g) for g in group] + [pl.col("stage")]
        scored = score.is_not_null() & pl.col("stage").is_not_null()
        ranked = pl.when(scored).then(score)
        cohort = [
            pl.concat_str(keys, separator="|", ignore_nulls=True).fill_null("").alias("cohort"),
            ranked.rank("min", descending=True).over(keys).cast(pl.Int64).alias("rank"),
            ranked.count().over(keys).cast(pl.Int64).alias("cohort_size"),
        ]
        at_most = ranked.rank("max").over(keys).cast(pl.Float64)
        share = (at_most * 100 / ranked.count().over(keys)).round(2)
        cohort.append(pl.when(scored).then(share).alias("percentile"))
    else:
        cohort = [
            pl.lit("").alias("cohort"),
            pl.lit(None, pl.Int64).alias("rank"),
            pl.lit(None, pl.Int64).alias("cohort_size"),
            pl.lit(None, pl.Float64).alias("percentile"),
        ]
    table = table.with_columns(*cohort).with_columns(
        pl.when(pl.col("rank").is_not_null()).then(pl.col("percentile")).alias("percentile")
    )
    columns = [
        pl.lit(run_id, pl.Int64).alias("run_id"),
        "enterprise_id",
        pl.lit(spec.program).alias("program"),
        pl.lit(spec.year, pl.Int64).alias("year"),
        "eligible",
        score.cast(pl.String).alias("score"),
        "verdict",
        pl.col("qualified_by").fill_null(""),
        _array(table, spec.criterion_columns()).alias("points"),
        _reasons(reason_keys(spec)).alias("reasons"),
        _array(table, detail_keys(result)).alias("detail"),
        (pl.col("stage") if "stage" in table.columns else pl.lit(None, pl.String))
        .fill_null("")
        .alias("stage"),
        "cohort",
        "rank",
        "cohort_size",
        pl.col("percentile").cast(pl.String),
        (pl.col("tier") if "tier" in table.columns else pl.lit(None, pl.String))
        .fill_null("")
        .alias("tier"),
    ]
    out = _by_slices(table, columns)
    missing = out.filter(pl.col("enterprise_id").is_null()).height
    assert not missing, f"{missing} results have no enterprise in the frame"
    return out


def _by_slices(table: pl.DataFrame, columns: list[Any]) -> pl.DataFrame:
    """`table.select(columns)`, computed slice by slice side by side.

    Row-wise text building runs on one thread per expression; slices of the rows keep every
    core busy and their strings small: for 1 M innovation-points results the JSON columns took
    0.87–0.94 s in slices against 1.54–3.26 s at once.
    """
    step = max(SLICE, -(-table.height // 8))
    parts = [table.lazy().slice(at, step).select(columns) for at in range(0, table.height, step)]
    if len(parts) <= 1:
        return table.select(columns)
    return pl.concat(pl.collect_all(parts), rechunk=False)


def _write_chunk(chunk: pl.DataFrame) -> None:
    qn = connection.ops.quote_name
    name = qn(EvaluationResult._meta.db_table)
    cols = ", ".join(qn(c) for c in COLUMNS)
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            buf = io.BytesIO()
            chunk.write_csv(buf, include_header=False)
            keep = ", ".join(qn(c) for c in TEXT)
            sql = f"COPY {name} ({cols}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({keep}))"
            with logged(cur, sql), cur.cursor.copy(sql) as copy:
                copy.write(buf.getvalue())
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            cur.executemany(f"INSERT INTO {name} ({cols}) VALUES ({marks})", chunk.rows())


def write(
    table: pl.DataFrame, progress: Callable[[int], None] | None = None, chunk: int = CHUNK
) -> int:
    """Insert `table` (COLUMNS, in order) into the result table; returns the rows written.

    On PostgreSQL outside a transaction, chunks go in side by side on connections of their own
    (the server spends a core per COPY on parsing, JSON and indexes)."""
    done = 0
    lock = threading.Lock()

    def one(part: pl.DataFrame) -> None:
        nonlocal done
        _write_chunk(part)
        with lock:
            done += part.height
            if progress is not None:
                progress(done)

    side_by_side([partial(one, part) for part in table.iter_slices(chunk)])
    return done


def _is_flag(key: str, spec: Spec) -> bool:
    if key.startswith("cond_"):
        return True
    measure = spec.measures.get(key.removeprefix("value_")) if key.startswith("value_") else None
    return measure is not None and measure.vtype == "bool"


def explain_row(result: EvaluationResult, run: EvaluationRun, spec: Spec) -> dict[str, Any]:
    """The evaluated row `rules.explain` reads, rebuilt from a stored result of `run`."""
    values = json.loads(result.detail) if result.detail else []
    row: dict[str, Any] = dict(zip(run.detail_keys or [], values, strict=False))
    for key, value in row.items():
        if value is not None and _is_flag(key, spec):
            row[key] = bool(value)
    points = points_by_name(result.points, run.point_keys or [])
    row.update({f"points_{k}": v for k, v in points.items()})
    score = result.score
    if isinstance(score, Decimal) and score == score.to_integral_value():
        score = Decimal(int(score))
    row.update(
        eligible=result.eligible,
        score=score,
        verdict=result.verdict,
        qualified_by=result.qualified_by or None,
        reasons=codes_by_position(result.reasons, run.reason_keys or []),
        stage=result.stage or None,
        tier=result.tier or None,
    )
    return row
