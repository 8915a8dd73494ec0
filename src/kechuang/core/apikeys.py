"""API keys of machine clients: issued, shown once, checked by digest, revoked.

A token reads `kc_<prefix>_<secret>`; the prefix finds the row, the SHA-256 digest of the
whole token is compared in constant time. Keys expire (at most API_KEY_MAX_DAYS after they
are issued) and may be revoked by their account, by the other accounts of the same
organisation and by the province.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit
from kechuang.core.models import ApiKey, AuditEntry, User
from kechuang.core.roles import Role
from kechuang.core.scoping import role_of

PREFIX = "kc_"
# Writes to last_used_at at most this often per key: not one write per request.
TOUCH_EVERY = dt.timedelta(minutes=5)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def manageable(actor: Any) -> QuerySet[ApiKey]:
    """The keys `actor` may see and revoke: its own, its organisation's, all for the province."""
    rows = ApiKey.objects.select_related("user")
    role = role_of(actor)
    if role == Role.PROVINCE_ADMIN:
        return rows
    if role is None:
        return rows.none()
    own = Q(user_id=actor.pk)
    if getattr(actor, "organization_id", None):
        own |= Q(user__role=role, user__organization_id=actor.organization_id)
    return rows.filter(own)


def issue(
    *, actor: Any, name: str, access: str = ApiKey.Access.READ, days: int | None = None
) -> tuple[ApiKey, str]:
    """A new key for `actor`'s own account; returns the row and the token, shown only now."""
    if role_of(actor) is None:
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写密钥名称")})
    days = settings.API_KEY_DAYS if days is None else days
    if not 1 <= days <= settings.API_KEY_MAX_DAYS:
        raise ValidationError(
            {"days": _("有效期应为 1 至 %(n)d 天") % {"n": settings.API_KEY_MAX_DAYS}}
        )
    if access not in ApiKey.Access.values:
        raise ValidationError({"access": _("权限无效")})
    prefix = secrets.token_hex(5)
    token = f"{PREFIX}{prefix}_{secrets.token_urlsafe(30)}"
    with transaction.atomic():
        row = ApiKey.objects.create(
            user=actor,
            created_by=actor,
            name=name[:80],
            prefix=prefix,
            digest=digest(token),
            access=access,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit.record(actor, AuditEntry.Action.CREATE, row, None, _public(row), source="web")
    return row, token


def revoke(*, actor: Any, key: ApiKey) -> ApiKey:
    if not manageable(actor).filter(pk=key.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        row = ApiKey.objects.select_for_update().get(pk=key.pk)
        if row.revoked_at is None:
            before = _public(row)
            row.revoked_at = timezone.now()
            row.revoked_by = actor
            row.save(update_fields=["revoked_at", "revoked_by"])
            audit.record(actor, AuditEntry.Action.UPDATE, row, before, _public(row), source="web")
    return row


def user_for(token: str) -> tuple[User, ApiKey] | None:
    """The account a token acts for, or None for an unknown, expired or revoked token."""
    if not token.startswith(PREFIX) or token.count("_") < 2:
        return None
    prefix = token[len(PREFIX) :].split("_", 1)[0]
    row = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    if row is None or not hmac.compare_digest(row.digest, digest(token)):
        return None
    now = timezone.now()
    if row.revoked_at is not None or row.expires_at <= now or not row.user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        ApiKey.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user, row


def _public(row: ApiKey) -> dict[str, Any]:
    """What the audit trail keeps of a key: never its digest."""
    snap = audit.snapshot(row)
    snap.pop("digest", None)
    return snap
