"""Bulk writes of an import plan, with its audit entries, in one transaction.

SQLite gets `executemany`; PostgreSQL gets `COPY` into a temporary table and one
INSERT … SELECT / UPDATE … FROM per table (DESIGN.md §6, STACK.md: both ~10× `bulk_create`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from kechuang.core import audit
from kechuang.core.models import AuditEntry
from kechuang.registry.importing.columns import BY_KEY
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

    def _adapt_datetime(self, value: dt.datetime) -> Any:
        if value is self.now:
            return self._now_sqlite
        return connection.ops.adapt_datetimefield_value(value)

    def _adapter(self, model: type[models.Model], attname: str) -> Callable[[Any], Any] | None:
        """What SQLite needs done to a value of this column (sqlite3 takes the rest as is)."""
        f = next(f for f in model._meta.concrete_fields if f.attname == attname)
        if isinstance(f, models.DecimalField):
            return str
        if isinstance(f, models.DateTimeField):
            return self._adapt_datetime
        if isinstance(f, models.DateField):
            return dt.date.isoformat
        return None

    def _sqlite_rows(
        self, model: type[models.Model], columns: list[str], rows: list[tuple[Any, ...]]
    ) -> list[Any]:
        todo = [(i, fn) for i, c in enumerate(columns) if (fn := self._adapter(model, c))]
        if not todo:
            return rows
        out = []
        for row in rows:
            values = list(row)
            for i, fn in todo:
                v = values[i]
                if v is not None:
                    values[i] = fn(v)
            out.append(values)
        return out

    def insert(
        self,
        model: type[models.Model],
        columns: list[str],
        rows: list[tuple[Any, ...]],
        key: tuple[str, ...] | None,
    ) -> dict[tuple[Any, ...], int]:
        """Insert `rows`; returns the new ids by the values of the `key` columns, if any."""
        if not rows:
            return {}
        table = model._meta.db_table
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in columns)
        key_cols = ", ".join(qn(c) for c in key or ("id",))
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
                returning = f" RETURNING id, {key_cols}" if key else ""
                cur.execute(f"INSERT INTO {qn(table)} ({cols}) SELECT {cols} FROM {tmp}{returning}")
                returned = cur.fetchall() if key else []
                cur.execute(f"DROP TABLE {tmp}")
            else:
                # The transaction holds SQLite's write lock, so ids above the current
                # maximum are exactly the rows inserted here.
                cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}")
                start = cur.fetchone()[0]
                marks = ", ".join(["%s"] * len(columns))
                cur.executemany(
                    f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})",
                    self._sqlite_rows(model, columns, rows),
                )
                if not key:
                    return {}
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
                adapted = self._sqlite_rows(model, ["id", *columns], rows)
                cur.executemany(
                    f"UPDATE {table} SET {sets} WHERE id = %s",
                    [(*row[1:], row[0]) for row in adapted],
                )


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _to_json(key: str) -> Callable[[Any], Any] | None:
    kind = BY_KEY[key].kind
    if kind in ("money", "signed_money"):
        return str
    if kind == "date":
        return dt.date.isoformat
    return None


def _snapshot_names(model: type[models.Model]) -> dict[str, str]:
    """attname → the key `core.audit.snapshot` uses (the field name)."""
    return {f.attname: f.name for f in model._meta.concrete_fields}


class _AuditRows:
    """Rows for the audit table, equal to what `core.audit.entry` builds for each change.

    They go through the same bulk writer as the data: building 125,000 AuditEntry model
    instances and `bulk_create`-ing them took longer than all the rest of an import.
    """

    columns = (
        "at",
        "actor_id",
        "action",
        "content_type_id",
        "object_id",
        "object_repr",
        "changes",
        "source",
        "batch",
    )

    def __init__(self, actor: Any, batch: str, now: dt.datetime) -> None:
        self.actor_id = actor.pk if getattr(actor, "pk", None) else None
        self.batch = batch
        self.now = now
        self.rows: list[tuple[Any, ...]] = []

    def add(
        self,
        model: type[models.Model],
        pk: int,
        text: str,
        before: dict[str, Any] | None,
        after: dict[str, Any],
    ) -> None:
        if before is None:
            self.created(model, pk, text, {k: [None, v] for k, v in after.items() if v is not None})
        else:
            self._append(model, pk, text, AuditEntry.Action.UPDATE.value, audit.diff(before, after))

    def created(self, model: type[models.Model], pk: int, text: str, changes: dict) -> None:
        """A new object; `changes` is {field: [None, value]} for its non-null fields."""
        self._append(model, pk, text, AuditEntry.Action.CREATE.value, changes)

    def _append(
        self, model: type[models.Model], pk: int, text: str, action: str, changes: dict
    ) -> None:
        ct = ContentType.objects.get_for_model(model).pk
        self.rows.append(
            (
                self.now,
                self.actor_id,
                action,
                ct,
                str(pk),
                text[:200],
                json.dumps(changes),
                "import",
                self.batch,
            )
        )


def apply_plan(plan: Plan, *, actor: Any, batch: str, progress: Progress | None = None) -> None:
    """Write the plan and its audit entries; all or nothing."""
    now = timezone.now()
    writer = _Writer(now)
    log = _AuditRows(actor, batch, now)
    ent_names = _snapshot_names(Enterprise)
    year_names = _snapshot_names(EnterpriseYear)
    total = len(plan.enterprises) + len(plan.years)
    if progress:  # before the transaction, so that a job row polled elsewhere shows it
        progress("writing", 0, total)
    with transaction.atomic():
        # Enterprises first: the yearly rows of new enterprises need their ids.
        ent_cols = _insert_columns(Enterprise, ("uscc", *ENTERPRISE_FIELDS))
        names = [c for c, _ in ent_cols]
        rows = []
        for c in plan.enterprises:
            if c.id is None:
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

        # id and name of every enterprise a change refers to (the name is its audit label)
        firms: dict[str, tuple[int, str]] = {}
        defaults = {ent_names[n]: _plain(d) for n, d in ent_cols if d is not None}
        for c in plan.enterprises:
            pk = c.id or ids[c.uscc]
            firms[c.uscc] = (pk, c.after["name"])
            after = {ent_names[f]: _plain(v) for f, v in c.after.items()}
            if c.id is None:
                log.add(
                    Enterprise, pk, c.after["name"], None, {**defaults, "uscc": c.uscc, **after}
                )
            else:
                before = {ent_names[f]: _plain(v) for f, v in c.before.items()}
                log.add(Enterprise, pk, c.after["name"], before, after)
        missing = {c.uscc for c in plan.years} - set(firms)
        if missing:
            for pk, code, name in Enterprise.objects.filter(uscc__in=missing).values_list(
                "id", "uscc", "name"
            ):
                firms[code] = (pk, name)

        keys = plan.year_keys
        year_cols = _insert_columns(EnterpriseYear, ("enterprise_id", "year", *keys))
        names = [c for c, _ in year_cols]
        rows = []
        for y in plan.years:
            if y.id is None:
                values = {
                    "enterprise_id": firms[y.uscc][0],
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
        if progress:
            progress("auditing", total, total)

        plain_keys = [(k, year_names[k]) for k in keys]
        as_json = [(k, year_names[k], _to_json(k)) for k in keys]
        for y in plan.years:
            ent_pk, name = firms[y.uscc]
            pk = y.id or year_ids[(ent_pk, y.year)]
            text = f"{name} {y.year}"  # EnterpriseYear.__str__
            if y.id is None:
                changes: dict[str, list[Any]] = {
                    "enterprise": [None, ent_pk],
                    "year": [None, y.year],
                }
                for k, n, fn in as_json:
                    v = y.after[k]
                    if v is not None:
                        changes[n] = [None, fn(v) if fn else v]
                log.created(EnterpriseYear, pk, text, changes)
            else:
                after = {n: _plain(y.after[k]) for k, n in plain_keys}
                before = {n: _plain(y.before[k]) for k, n in plain_keys}
                log.add(EnterpriseYear, pk, text, before, after)
        writer.insert(AuditEntry, list(log.columns), log.rows, None)
