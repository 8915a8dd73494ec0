"""Login protection and session rules: lock-out after failed logins (django-axes), idle and
absolute session limits, and the gate that holds a user at the password change or the second
factor until it has passed them.

Which users must use a second factor is decided here (`requires_second_factor`), nowhere else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from kechuang.core.roles import Role

# Session keys: when the login happened and when the session was last used (epoch seconds).
LOGIN_AT = "_kc_login_at"
LAST_SEEN = "_kc_last_seen"
# Whether the user has a second factor, looked up once a session rather than per request.
HAS_DEVICE = "_kc_has_device"
# The last-seen time is written at most this often: not a session write per request.
TOUCH_EVERY = 60

SECOND_FACTOR_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN})


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a login while its user name or address is locked out. A call without a request
    (a shell, the test client's `login`) has no address to count and goes to the next backend;
    every login over HTTP (site, admin, API) passes its request."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def lockout_response(
    request: HttpRequest, original: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """429 with Retry-After: JSON for the API, the lock-out page for people."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    message = _(
        "登录失败次数过多,账号或地址已被暂时锁定,请 %(minutes)s 分钟后再试或联系管理员解锁。"
    ) % {"minutes": max(1, seconds // 60)}
    if is_api(request):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def requires_second_factor(user: Any) -> bool:
    """Province and city admins, and superusers, log in with a second factor when the
    deployment requires it (REQUIRE_ADMIN_2FA)."""
    if not settings.REQUIRE_ADMIN_2FA or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.role in SECOND_FACTOR_ROLES)


def has_second_factor(user: Any) -> bool:
    from django_otp import user_has_device

    return bool(getattr(user, "is_authenticated", False) and user_has_device(user))


def mark_login(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now


class SessionLimitsMiddleware:
    """Ends a session idle for SESSION_IDLE_SECONDS, or older than SESSION_MAX_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self.expired(request)
            if expired:
                logout(request)
                if not is_api(request):
                    messages.info(request, expired)
                    query = urlencode({"next": request.get_full_path()})
                    return HttpResponseRedirect(f"{reverse('login')}?{query}")
        return self.get_response(request)

    def expired(self, request: HttpRequest) -> str:
        """Why the session has ended, or "" while it is live (and then note the request)."""
        session = request.session
        now = int(time.time())
        login_at = int(session.get(LOGIN_AT) or now)
        last_seen = int(session.get(LAST_SEEN) or now)
        if now - login_at > settings.SESSION_MAX_SECONDS:
            return _("登录已超过最长时限,请重新登录。")
        if now - last_seen > settings.SESSION_IDLE_SECONDS:
            return _("长时间未操作,已自动退出,请重新登录。")
        if LOGIN_AT not in session:
            session[LOGIN_AT] = login_at
        if now - last_seen >= TOUCH_EVERY or LAST_SEEN not in session:
            session[LAST_SEEN] = now
        return ""


# Paths a user held at the gate may still reach: the gate's own pages, logging out,
# the language switch and static files.
GATE_OPEN = ("/account/", "/logout/", "/i18n/", "/static/", "/media/", "/favicon")


class AccountGateMiddleware:
    """Holds a logged-in user at the password change (a generated or reset password) or at
    the second factor (enrolment, then verification) until done. Runs after OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(GATE_OPEN):
            step = self.pending_step(request, user)
            if step:
                return self.hold(request, step)
        return self.get_response(request)

    @staticmethod
    def pending_step(request: HttpRequest, user: Any) -> str:
        if settings.FORCE_PASSWORD_CHANGE and getattr(user, "must_change_password", False):
            return "account:password_change"
        if user.is_verified():
            return ""
        if HAS_DEVICE not in request.session:
            request.session[HAS_DEVICE] = has_second_factor(user)
        if request.session[HAS_DEVICE]:
            return "account:otp_verify"
        if requires_second_factor(user):
            return "account:otp_setup"
        return ""

    @staticmethod
    def hold(request: HttpRequest, step: str) -> HttpResponse:
        if is_api(request):
            return JsonResponse({"detail": _("请先在网站完成密码修改或双因素验证")}, status=403)
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(step)}?{query}")


class DownloadAuditMiddleware:
    """Records every file handed out as an attachment (exports, job results, error reports)
    in the security log: who took which data, when and from where — in one place rather than
    in each export view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        if response.status_code == 200 and disposition.lower().startswith("attachment"):
            from kechuang.core import audit
            from kechuang.core.models import SecurityEvent

            user = getattr(request, "user", None)
            audit.security_event(
                SecurityEvent.Kind.DOWNLOAD,
                actor=user,
                user=user,
                address=str(request.META.get("REMOTE_ADDR", "")),
                source="api" if is_api(request) else "web",
                data={"path": request.get_full_path()[:500], "disposition": disposition[:300]},
            )
        return response
