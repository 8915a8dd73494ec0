"""Reading stored rows in bulk for the comparison with a file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import QuerySet

from kechuang.registry.importing.cells import FEN


def _sqlite_converter(f: Any) -> Callable[[Any], Any] | None:
    if isinstance(f, models.DecimalField):
        return lambda v: Decimal(repr(v) if isinstance(v, float) else v).quantize(FEN)
    if isinstance(f, models.DateField):
        return dt.date.fromisoformat
    if isinstance(f, models.BooleanField):
        return bool
    return None


def raw_rows(qs: QuerySet[Any], names: list[str]) -> Iterator[tuple[Any, ...]]:
    """`qs.values_list(*names)` without Django's per-value converters.

    On SQLite those turn each stored REAL into a Decimal through a float context, and for
    100,000 yearly rows they cost more than the rest of the comparison; PostgreSQL's driver
    already returns Decimal, date and bool.
    """
    sql, params = qs.values_list(*names).query.sql_with_params()
    convert: list[tuple[int, Callable[[Any], Any]]] = []
    if connection.vendor == "sqlite":
        for i, name in enumerate(names):
            fn = _sqlite_converter(qs.model._meta.get_field(name))
            if fn is not None:
                convert.append((i, fn))
    with connection.cursor() as cur:
        cur.execute(sql, params)
        while chunk := cur.fetchmany(5000):
            for rec in chunk:
                if convert:
                    rec = list(rec)
                    for i, fn in convert:
                        if rec[i] is not None:
                            rec[i] = fn(rec[i])
                yield tuple(rec)
            if len(chunk) < 5000:
                break
