"""Fast inserts of generated rows: executemany on SQLite, COPY on PostgreSQL.

The generator assigns primary keys itself (tables are empty when it runs), so that the same
seed gives the same rows, ids included, on every database. Rows are tuples in the order of
`columns` (attribute names such as `region_id`); columns a caller does not supply get the
field's default, so fields added to the models later do not break the generator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

BATCH = 20_000
Row = tuple[Any, ...]


def _default(field: models.Field, now: dt.datetime) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.empty_strings_allowed:
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value")


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a Python value of `field` reaches the driver (None: as it is)."""
    if connection.vendor != "sqlite":
        return None  # psycopg adapts date, datetime, Decimal and bool in COPY
    if isinstance(field, models.DateTimeField):
        ops = connection.ops
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    return None


def insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Row], *, now: dt.datetime
) -> int:
    """Insert `rows` into `model`'s table; returns the number of rows written."""
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    unknown = [c for c in columns if c not in by_attname]
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {unknown}")
    extra_fields = [f for f in meta.concrete_fields if f.attname not in columns]
    fields = [by_attname[c] for c in columns] + extra_fields
    # Defaults are the same on every row: convert them once.
    extra = tuple(
        c(v) if (c := _converter(f)) is not None and v is not None else v
        for f, v in ((f, _default(f, now)) for f in extra_fields)
    )
    conv = [(i, c) for i, f in enumerate(fields[: len(columns)]) if (c := _converter(f))]

    def prepared(batch: list[Row]) -> list[Row]:
        out = [r + extra for r in batch] if extra else batch
        if not conv:
            return out
        converted = []
        for r in out:
            values = list(r)
            for i, c in conv:
                values[i] = c(values[i])
            converted.append(tuple(values))
        return converted

    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    names = ", ".join(qn(f.column) for f in fields)
    total = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor, for COPY
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for batch in _batches(rows):
                    for r in prepared(batch):
                        copy.write_row(r)
                    total += len(batch)
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            for batch in _batches(rows):
                cursor.executemany(sql, prepared(batch))
                total += len(batch)
    return total


def _batches(rows: Iterable[Row]) -> Iterable[list[Row]]:
    batch: list[Row] = []
    for r in rows:
        batch.append(r)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """After explicit ids, let the database hand out the next ones (PostgreSQL needs it)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
