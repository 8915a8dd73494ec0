"""Bulk writes of an import plan, with its audit entries, in one transaction.

SQLite gets `executemany`; PostgreSQL gets `COPY` into a temporary table and one
INSERT … SELECT / UPDATE … FROM per table (DESIGN.md §6, STACK.md: both ~10× `bulk_create`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from kechuang.core import audit
from kechuang.core.models import AuditEntry
from kechuang.registry.importing.plan import ENTERPRISE_FIELDS, Plan
from kechuang.registry.models import Enterprise, EnterpriseYear

Progress = Callable[[str, int, int], None]
_temp_names = itertools.count(1)


def _insert_columns(model: type[models.Model], given: Sequence[str]) -> list[tuple[str, Any]]:
    """Every concrete column except the key: (attname, default) for those not `given`."""
    out: list[tuple[str, Any]] = []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        out.append((f.attname, None if f.attname in given else f.get_default()))
    return out


class _Writer:
    def __init__(self, now: dt.datetime) -> None:
        self.vendor = connection.vendor
        self.now = now
        self._now_sqlite = connection.ops.adapt_datetimefield_value(now)

    def _sqlite(self, value: Any) -> Any:
        if value is None or isinstance(value, int | str | float):
            return value
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dt.datetime):
            return (
                self._now_sqlite
                if value is self.now
                else connection.ops.adapt_datetimefield_value(value)
            )
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    def insert(
        self,
        model: type[models.Model],
        columns: list[str],
        rows: list[tuple[Any, ...]],
        key: tuple[str, ...],
    ) -> dict[tuple[Any, ...], int]:
        """Insert `rows`; returns the new ids by the values of the `key` columns."""
        if not rows:
            return {}
        table = model._meta.db_table
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in columns)
        key_cols = ", ".join(qn(c) for c in key)
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                tmp = f"_kc_import_{next(_temp_names)}"
                cur.execute(
                    f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS "
                    f"SELECT {cols} FROM {qn(table)} WITH NO DATA"
                )
                with cur.cursor.copy(f"COPY {tmp} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cur.execute(
                    f"INSERT INTO {qn(table)} ({cols}) SELECT {cols} FROM {tmp} "
                    f"RETURNING id, {key_cols}"
                )
                returned = cur.fetchall()
                cur.execute(f"DROP TABLE {tmp}")
            else:
                # The transaction holds SQLite's write lock, so ids above the current
                # maximum are exactly the rows inserted here.
                cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}")
                start = cur.fetchone()[0]
                marks = ", ".join(["%s"] * len(columns))
                conv = self._sqlite
                cur.executemany(
                    f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})",
                    [tuple(conv(v) for v in row) for row in rows],
                )
                cur.execute(f"SELECT id, {key_cols} FROM {qn(table)} WHERE id > %s", [start])
                returned = cur.fetchall()
        return {tuple(r[1:]): r[0] for r in returned}

    def update(
        self, model: type[models.Model], columns: list[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """Update `columns` of the rows whose id is the first value of each tuple."""
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        qn = connection.ops.quote_name
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                tmp = f"_kc_import_{next(_temp_names)}"
                cols = ", ".join(qn(c) for c in ["id", *columns])
                cur.execute(
                    f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS "
                    f"SELECT {cols} FROM {table} WITH NO DATA"
                )
                with cur.cursor.copy(f"COPY {tmp} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                sets = ", ".join(f"{qn(c)} = s.{qn(c)}" for c in columns)
                cur.execute(f"UPDATE {table} t SET {sets} FROM {tmp} s WHERE t.id = s.id")
                cur.execute(f"DROP TABLE {tmp}")
            else:
                sets = ", ".join(f"{qn(c)} = %s" for c in columns)
                conv = self._sqlite
                cur.executemany(
                    f"UPDATE {table} SET {sets} WHERE id = %s",
                    [tuple(conv(v) for v in (*row[1:], row[0])) for row in rows],
                )


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _snapshot_names(model: type[models.Model]) -> dict[str, str]:
    """attname → the key `core.audit.snapshot` uses (the field name)."""
    return {f.attname: f.name for f in model._meta.concrete_fields}


def apply_plan(plan: Plan, *, actor: Any, batch: str, progress: Progress | None = None) -> None:
    """Write the plan and its audit entries; all or nothing."""
    now = timezone.now()
    writer = _Writer(now)
    entries: list[AuditEntry] = []
    create, update = AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE
    ent_names = _snapshot_names(Enterprise)
    year_names = _snapshot_names(EnterpriseYear)
    total = len(plan.enterprises) + len(plan.years)
    with transaction.atomic():
        # Enterprises first: the yearly rows of new enterprises need their ids.
        ent_cols = _insert_columns(Enterprise, ("uscc", *ENTERPRISE_FIELDS))
        names = [c for c, _ in ent_cols]
        new_ents = [c for c in plan.enterprises if c.id is None]
        rows = []
        for c in new_ents:
            values = {"uscc": c.uscc, **c.after, "created_at": now, "updated_at": now}
            rows.append(tuple(values.get(n, d) for n, d in ent_cols))
        ids = {k[0]: v for k, v in writer.insert(Enterprise, names, rows, ("uscc",)).items()}
        changed = [c for c in plan.enterprises if c.id is not None]
        writer.update(
            Enterprise,
            [*ENTERPRISE_FIELDS, "updated_at"],
            [(c.id, *(c.after[f] for f in ENTERPRISE_FIELDS), now) for c in changed],
        )
        if progress:
            progress("writing", len(plan.enterprises), total)

        ent_objs: dict[str, Enterprise] = {}
        defaults = {n: _plain(d) for n, d in ent_cols if d is not None and d != ""}
        for c in plan.enterprises:
            pk = c.id or ids[c.uscc]
            obj = Enterprise(pk=pk, uscc=c.uscc, name=c.after["name"])
            ent_objs[c.uscc] = obj
            after = {ent_names[f]: _plain(v) for f, v in c.after.items()}
            if c.id is None:
                after = {**defaults, "uscc": c.uscc, **after}
                entries.append(
                    audit.entry(actor, create, obj, None, after, source="import", batch=batch)
                )
            else:
                before = {ent_names[f]: _plain(v) for f, v in c.before.items()}
                entries.append(
                    audit.entry(actor, update, obj, before, after, source="import", batch=batch)
                )

        # Every enterprise a yearly row refers to, for ids and the audit's object names.
        missing = {c.uscc for c in plan.years} - set(ent_objs)
        for pk, code, name in (
            Enterprise.objects.filter(uscc__in=missing).values_list("id", "uscc", "name")
            if missing
            else ()
        ):
            ent_objs[code] = Enterprise(pk=pk, uscc=code, name=name)

        keys = plan.year_keys
        year_cols = _insert_columns(EnterpriseYear, ("enterprise_id", "year", *keys))
        names = [c for c, _ in year_cols]
        rows = []
        new_years = [c for c in plan.years if c.id is None]
        for y in new_years:
            values = {
                "enterprise_id": ent_objs[y.uscc].pk,
                "year": y.year,
                **y.after,
                "created_at": now,
                "updated_at": now,
            }
            rows.append(tuple(values.get(n, d) for n, d in year_cols))
        year_ids = writer.insert(EnterpriseYear, names, rows, ("enterprise_id", "year"))
        changed_years = [y for y in plan.years if y.id is not None]
        writer.update(
            EnterpriseYear,
            [*keys, "updated_at"],
            [(y.id, *(y.after[k] for k in keys), now) for y in changed_years],
        )

        for y in plan.years:
            ent = ent_objs[y.uscc]
            pk = y.id or year_ids[(ent.pk, y.year)]
            year_obj = EnterpriseYear(pk=pk, enterprise=ent, year=y.year)
            after = {year_names[k]: _plain(v) for k, v in y.after.items()}
            if y.id is None:
                after = {"enterprise": ent.pk, "year": y.year, **after}
                entries.append(
                    audit.entry(actor, create, year_obj, None, after, source="import", batch=batch)
                )
            else:
                before = {year_names[k]: _plain(v) for k, v in y.before.items()}
                entries.append(
                    audit.entry(
                        actor, update, year_obj, before, after, source="import", batch=batch
                    )
                )
        if progress:
            progress("auditing", total, total)
        audit.record_many(entries)
