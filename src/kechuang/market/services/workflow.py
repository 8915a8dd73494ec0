"""What the challenge and plan-project services share: roles, locks and the event log."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.market.models import ChallengeEvent

M = TypeVar("M", bound=models.Model)
LINKS = ("call", "demand", "batch", "challenge", "bid", "project")


def is_province(actor: Any) -> bool:
    return scoping.role_of(actor) == Role.PROVINCE_ADMIN


def acts_for(actor: Any, role: str, org_id: int | None) -> bool:
    """`actor` is a user of the organisation `org_id`, in `role`."""
    return bool(
        org_id is not None
        and scoping.role_of(actor) == role
        and getattr(actor, "organization_id", None) == org_id
    )


def day(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def lock(obj: M) -> M:
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def require_status(obj: Any, *allowed: str) -> None:
    if obj.status not in allowed:
        raise ValidationError(
            _("当前状态为“%(status)s”,不能执行此操作"),
            code="bad_status",
            params={"status": obj.get_status_display()},
        )


def require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("请说明理由")}, code="reason")


def event(kind: str, actor: Any, *, reason: str = "", **links: Any) -> ChallengeEvent:
    """Write one milestone; `links` name the records it is about, anything else is data."""
    return ChallengeEvent.emit(kind, actor=actor, reason=reason, **links)
