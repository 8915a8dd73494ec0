"""Generic audited writes that the domain services build on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models, transaction

from kechuang.core import audit, scoping
from kechuang.core.models import AuditEntry

M = TypeVar("M", bound=models.Model)


def _assign(obj: models.Model, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        setattr(obj, name, value)


@transaction.atomic
def object_create(*, actor: Any, model: type[M], data: Mapping[str, Any], source: str = "web") -> M:
    """Validate and save a new row and audit it. The caller has checked the permission."""
    obj = model()
    _assign(obj, data)
    obj.full_clean()
    obj.save()
    audit.record(actor, AuditEntry.Action.CREATE, obj, None, audit.snapshot(obj), source=source)
    return obj


@transaction.atomic
def object_update(
    *, actor: Any, obj: M, data: Mapping[str, Any], source: str = "web", check: bool = True
) -> M:
    if check:
        scoping.require_fields(actor, obj, data)
    before = audit.snapshot(obj)
    _assign(obj, data)
    obj.full_clean()
    obj.save()
    audit.record(actor, AuditEntry.Action.UPDATE, obj, before, audit.snapshot(obj), source=source)
    return obj


@transaction.atomic
def object_delete(
    *, actor: Any, obj: models.Model, source: str = "web", check: bool = True
) -> None:
    if check:
        scoping.require_edit(actor, obj)
    before = audit.snapshot(obj)
    audit.record(actor, AuditEntry.Action.DELETE, obj, before, None, source=source)
    obj.delete()
