"""Accounts: password changes, lock-outs lifted by an administrator, and the security events
(logins, failures, lock-outs) written to the security side of the audit trail."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from kechuang.core import audit
from kechuang.core.models import SecurityEvent, User
from kechuang.core.roles import Role
from kechuang.core.security import HAS_DEVICE, has_second_factor, mark_login

Kind = SecurityEvent.Kind


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(getattr(request, "axes_ip_address", "") or request.META.get("REMOTE_ADDR", ""))


def source_of(request: HttpRequest | None) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


def password_set(
    *, actor: Any, user: User, password: str, request: HttpRequest | None = None
) -> None:
    """Set `user`'s password. Chosen by the user itself, it clears the duty to change it and
    keeps this session; chosen by someone else (an administrator), the user must change it at
    its next login. The password itself never reaches the trail."""
    own = getattr(actor, "pk", None) == user.pk
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = not own
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit.security_event(
            Kind.PASSWORD,
            actor=actor,
            user=user,
            address=client_address(request),
            source=source_of(request),
            data={"by_self": own},
        )
    if own and request is not None:
        update_session_auth_hash(request, user)


def otp_event(request: HttpRequest, kind: str) -> None:
    audit.security_event(
        kind,
        actor=request.user,
        user=request.user,
        address=client_address(request),
        source=source_of(request),
    )


# --- lock-outs ------------------------------------------------------------------------------


def can_unlock(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.role == Role.PROVINCE_ADMIN)
    )


def lockout_list(*, user: Any) -> models.QuerySet[AccessAttempt]:
    """Recorded failures still counting (locked out or on the way), for those who may lift
    them: province admins and superusers. Others see none."""
    if not can_unlock(user):
        return AccessAttempt.objects.none()
    return AccessAttempt.objects.order_by("-attempt_time")


def lockout_lift(*, actor: Any, attempt_id: int, request: HttpRequest | None = None) -> int:
    """Forget the failures of one user name or address, so it may log in again at once."""
    if not can_unlock(actor):
        raise PermissionDenied
    attempt = AccessAttempt.objects.get(pk=attempt_id)
    with transaction.atomic():
        removed = axes_reset(ip=attempt.ip_address) if attempt.ip_address else 0
        removed += axes_reset(username=attempt.username) if attempt.username else 0
        audit.security_event(
            Kind.UNLOCK,
            actor=actor,
            user=User.objects.filter(username=attempt.username).first(),
            username=attempt.username or "",
            address=attempt.ip_address or "",
            source=source_of(request),
        )
    return removed


# --- security events in the audit trail -----------------------------------------------------


def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        mark_login(request)
        # Looked up here, once, so that the pages that follow need no query for it.
        request.session[HAS_DEVICE] = has_second_factor(user)
    audit.security_event(
        Kind.LOGIN,
        actor=user,
        user=user,
        address=client_address(request),
        source=source_of(request),
    )


def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if getattr(user, "pk", None):
        audit.security_event(
            Kind.LOGOUT,
            actor=user,
            user=user,
            address=client_address(request),
            source=source_of(request),
        )


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")[:150]
    audit.security_event(
        Kind.LOGIN_FAILED,
        user=User.objects.filter(username=username).first() if username else None,
        username=username,
        address=client_address(request),
        source=source_of(request),
    )


def _locked_out(
    sender: Any, request: HttpRequest | None, username: str, ip_address: str, **kwargs: Any
) -> None:
    audit.security_event(
        Kind.LOCKOUT,
        user=User.objects.filter(username=username).first() if username else None,
        username=username or "",
        address=ip_address or "",
        source=source_of(request),
    )


def connect_signals() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="kechuang.audit.login")
    user_logged_out.connect(_logged_out, dispatch_uid="kechuang.audit.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="kechuang.audit.login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="kechuang.audit.lockout")
