"""The account pages: overview, password change, enrolment and verification of a second
factor (TOTP), and the lock-outs that province admins may lift."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from kechuang.core import accounts
from kechuang.core.http import safe_next
from kechuang.core.models import SecurityEvent
from kechuang.core.security import HAS_DEVICE, has_second_factor, requires_second_factor
from kechuang.web.account.forms import PasswordChangeForm, TokenForm

Kind = SecurityEvent.Kind
# The device being enrolled, until its first code confirms it.
PENDING_DEVICE = "_kc_pending_totp"


def next_url(request: HttpRequest) -> str:
    return safe_next(request) or reverse("home")


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "account/overview.html",
        {
            "has_device": has_second_factor(user),
            "device_required": requires_second_factor(user),
            "can_unlock": accounts.can_unlock(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.password_set(
            actor=request.user,
            user=request.user,  # type: ignore[arg-type]
            password=form.cleaned_data["new_password1"],
            request=request,
        )
        messages.success(request, _("密码已修改。"))
        return HttpResponseRedirect(next_url(request))
    forced = bool(getattr(request.user, "must_change_password", False))
    return render(
        request,
        "account/password_change.html",
        {"form": form, "forced": forced, "next": next_url(request)},
    )


def _pending_device(request: HttpRequest) -> TOTPDevice:
    """The unconfirmed device of this enrolment, created on first view: reloading the page
    keeps the same secret, so a code scanned before still works."""
    device = TOTPDevice.objects.filter(
        pk=request.session.get(PENDING_DEVICE), user=request.user, confirmed=False
    ).first()
    if device is None:
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=request.user, name=_("验证器应用"), confirmed=False)
        request.session[PENDING_DEVICE] = device.pk
    return device


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    if has_second_factor(request.user):
        return HttpResponseRedirect(reverse("account:otp_verify"))
    device = _pending_device(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[HAS_DEVICE] = True
            request.session.pop(PENDING_DEVICE, None)
            accounts.otp_event(request, Kind.OTP_ENROLLED)
            messages.success(request, _("双因素认证已启用。"))
            return HttpResponseRedirect(next_url(request))
        form.add_error("token", _("验证码不正确,请核对手机时间后重试"))
    context: dict[str, Any] = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": _grouped(device.bin_key),
        "required": requires_second_factor(request.user),
        "next": next_url(request),
    }
    return render(request, "account/otp_setup.html", context)


def _grouped(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            accounts.otp_event(request, Kind.OTP_VERIFIED)
            return HttpResponseRedirect(next_url(request))
        accounts.otp_event(request, Kind.OTP_FAILED)
        form.add_error("token", _("验证码不正确或已过期"))
    return render(request, "account/otp_verify.html", {"form": form, "next": next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def lockouts(request: HttpRequest) -> HttpResponse:
    if not accounts.can_unlock(request.user):
        raise PermissionDenied
    if request.method == "POST":
        attempt = request.POST.get("attempt", "")
        if not attempt.isdigit():
            raise Http404
        try:
            accounts.lockout_lift(actor=request.user, attempt_id=int(attempt), request=request)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        messages.success(request, _("已解除锁定。"))
        return HttpResponseRedirect(reverse("account:lockouts"))
    rows = accounts.lockout_list(user=request.user)[:200]
    return render(
        request, "account/lockouts.html", {"rows": rows, "limit": settings.AXES_FAILURE_LIMIT}
    )
