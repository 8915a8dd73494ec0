"""How values, records and audit entries read on a page: labels from verbose names, choices
by their display text, money grouped, unknowns as a dash."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import (
    AuditEntry,
    HighTechZone,
    Industry,
    IndustryCluster,
    Region,
    TechField,
)

DASH = "—"
# Reference data is public, so an audit entry may name it rather than show a bare code.
REFERENCE_MODELS: tuple[type[models.Model], ...] = (
    Region,
    HighTechZone,
    Industry,
    TechField,
    IndustryCluster,
)
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at"})
# Where an audited write came from (AuditEntry.source); an unknown source shows as stored.
SOURCES = {
    "web": _("网页"),
    "api": _("接口"),
    "import": _("批量导入"),
    "admin": _("管理后台"),
    "demo": _("演示数据"),
}


def display_value(value: Any) -> Any:
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, decimal.Decimal):
        # Financial tables here group by thousands in either language (zh-hans has no grouping).
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return formats.date_format(value, "Y-m-d H:i")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def field_value(obj: models.Model, field: models.Field) -> Any:
    if field.choices:
        return display_value(getattr(obj, f"get_{field.name}_display")())
    if field.is_relation and field.many_to_one:
        return display_value(getattr(obj, field.name))
    return display_value(getattr(obj, field.attname))


@dataclass(frozen=True)
class Row:
    label: Any
    value: Any
    name: str


# personal field -> the function that masks it, or None where it is not shown at all
Conceal = Mapping[str, Callable[[Any], Any] | None]


def field_rows(
    obj: models.Model, exclude: Iterable[str] = (), conceal: Conceal | None = None
) -> list[Row]:
    """Every concrete field of `obj` (and its many-to-many fields) with its verbose name;
    the personal fields in `conceal` (core/personal.py) masked or left out."""
    skip = HIDDEN_FIELDS | set(exclude)
    conceal = conceal or {}
    rows = []
    for f in obj._meta.concrete_fields:
        if f.name in skip:
            continue
        if f.name in conceal:
            mask = conceal[f.name]
            if mask is not None:
                value = display_value(mask(getattr(obj, f.attname)))
                rows.append(Row(f.verbose_name, value, f.name))
            continue
        rows.append(Row(f.verbose_name, field_value(obj, f), f.name))
    for m2m in obj._meta.many_to_many:
        if m2m.name in skip:
            continue
        names = ", ".join(str(o) for o in getattr(obj, m2m.name).all())
        rows.append(Row(m2m.verbose_name, names or DASH, m2m.name))
    return rows


def attr_value(obj: Any, path: str) -> Any:
    """A dotted attribute of `obj`; a choice field shows its display text. `a|b` shows `b`
    where `a` is empty."""
    if "|" in path:
        for alternative in path.split("|"):
            value = attr_value(obj, alternative)
            if value != DASH:
                return value
        return DASH
    value = obj
    for part in path.split("."):
        if value is None:
            break
        display = getattr(value, f"get_{part}_display", None)
        value = display() if callable(display) else getattr(value, part, None)
    return display_value(value)


@dataclass(frozen=True)
class YearTable:
    years: list[int]
    rows: list[tuple[Any, list[Any]]]


def year_table(objs: Sequence[Any], names: Sequence[str]) -> YearTable:
    """Yearly records turned on their side: one row per field, one column per year."""
    if not objs:
        return YearTable([], [])
    meta = objs[0]._meta
    rows = []
    for name in names:
        f = meta.get_field(name)
        values = [field_value(o, f) for o in objs]
        # Head counts group by thousands like the money beside them.
        values = [f"{v:,}" if type(v) is int else v for v in values]
        rows.append((f.verbose_name, values))
    return YearTable([o.year for o in objs], rows)


@dataclass(frozen=True)
class Change:
    label: Any
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    actor: str
    action: Any
    source: Any
    changes: Sequence[Change]


def _reference_names(model: type[models.Model], entries: Sequence[AuditEntry]) -> dict:
    """Names of the reference rows that the entries mention, read in one query per model."""
    wanted: dict[type[models.Model], set[Any]] = {}
    for e in entries:
        for name, pair in e.changes.items():
            f = _field(model, name)
            if f is None or not f.is_relation or f.related_model not in REFERENCE_MODELS:
                continue
            wanted.setdefault(f.related_model, set()).update(v for v in pair if v is not None)
    names: dict = {}
    for ref, keys in wanted.items():
        for o in ref._default_manager.filter(pk__in=keys):
            names[(ref, str(o.pk))] = str(o)
    return names


def _field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except Exception:  # a field removed since the entry was written
        return None


def _show(f: Any, value: Any, names: dict) -> Any:
    if value is None or value == "":
        return DASH
    if f is None:
        return value
    if f.is_relation and f.related_model in REFERENCE_MODELS:
        return names.get((f.related_model, str(value)), value)
    if f.choices:
        return dict(f.flatchoices).get(value, value)
    if isinstance(value, bool):
        return display_value(value)
    return value


def history_rows(
    model: type[models.Model], entries: Iterable[AuditEntry], conceal: Conceal | None = None
) -> list[HistoryRow]:
    items = list(entries)
    names = _reference_names(model, items)
    conceal = conceal or {}
    rows = []
    for e in items:
        changes = []
        for name, pair in e.changes.items():
            f = _field(model, name)
            label = getattr(f, "verbose_name", name)
            before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
            if name in conceal:  # the history must not give away what the record hides
                mask = conceal[name]
                if mask is None:
                    continue
                before, after = mask(before), mask(after)
            changes.append(Change(label, _show(f, before, names), _show(f, after, names)))
        rows.append(
            HistoryRow(
                at=e.at,
                actor=str(e.actor) if e.actor else DASH,
                action=e.get_action_display(),
                source=SOURCES.get(e.source, e.source),
                changes=changes,
            )
        )
    return rows
