"""The audit trail: every write records who, when and what changed, in its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from kechuang.core.models import AuditEntry, SecurityEvent

Snapshot = dict[str, Any]


def plain(value: Any) -> Any:
    """A value as JSON can hold it: dates as ISO text, decimals as text, records as ids."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # an uploaded file is recorded by its stored name
        return value.name or ""
    return value


def snapshot(obj: models.Model) -> Snapshot:
    """The concrete field values of `obj`, JSON-ready (foreign keys as ids)."""
    out: Snapshot = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.name in ("created_at", "updated_at"):
            continue
        value = getattr(obj, f.attname)
        if isinstance(f, models.DecimalField) and isinstance(value, decimal.Decimal):
            # As stored: 1300 assigned to a 2-place field is 1300.00, not a change from it.
            value = value.quantize(decimal.Decimal(1).scaleb(-f.decimal_places))
        out[f.name] = plain(value)
    return out


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list]:
    before = before or {}
    after = after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def user_or_none(actor: Any) -> Any:
    """The user to record as actor: `None` for the system or an anonymous caller."""
    return actor if getattr(actor, "pk", None) else None


def entry(
    actor: Any,
    action: str,
    obj: models.Model,
    before: Snapshot | None,
    after: Snapshot | None,
    *,
    source: str = "web",
    batch: str = "",
) -> AuditEntry:
    return AuditEntry(
        actor=user_or_none(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=diff(before, after),
        source=source,
        batch=batch,
    )


def record(
    actor: Any,
    action: str,
    obj: models.Model,
    before: Snapshot | None,
    after: Snapshot | None,
    *,
    source: str = "web",
    batch: str = "",
) -> AuditEntry | None:
    """Write one entry; an update that changed nothing writes none."""
    e = entry(actor, action, obj, before, after, source=source, batch=batch)
    if action == AuditEntry.Action.UPDATE and not e.changes:
        return None
    e.save()
    return e


def security_event(
    kind: str,
    *,
    actor: Any = None,
    user: Any = None,
    username: str = "",
    address: str = "",
    source: str = "web",
    data: Mapping[str, Any] | None = None,
) -> SecurityEvent:
    """Record a login, a failure, a lock-out, a credential change or a download."""
    account = user_or_none(user)
    return SecurityEvent.objects.create(
        kind=kind,
        actor=user_or_none(actor),
        user=account,
        username=(username or getattr(account, "username", ""))[:150],
        address=address[:45],
        source=source,
        data={k: plain(v) for k, v in (data or {}).items()},
    )


def record_many(entries: Iterable[AuditEntry], batch_size: int = 5000) -> int:
    items = list(entries)
    AuditEntry.objects.bulk_create(items, batch_size=batch_size)
    return len(items)


def history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).select_related("actor")
