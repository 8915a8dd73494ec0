"""`Idempotency-Key` on the API's POSTs: a client that retries (a lost answer, a timeout)
gets the first answer again instead of doing the work twice.

The key is the caller's (a digest of its credentials, or its session's user) and is kept
for IDEMPOTENCY_HOURS. The same key with another request is refused (422); a second
request while the first is still running is told so (409). An answer of 5xx is not kept,
so a retry runs again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core.models import IdempotentRequest

HEADER = "Idempotency-Key"
RUNNING = 0  # the status of a request still being answered


def _caller(request: HttpRequest) -> str | None:
    credentials = request.headers.get("Authorization", "")
    if credentials:
        return hashlib.sha256(credentials.encode("utf-8")).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"session:{user.pk}"
    return None


def _refusal(status: int, detail: str) -> JsonResponse:
    return JsonResponse(
        {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER, "").strip()
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        caller = _caller(request)
        if caller is None:
            return self.get_response(request)  # refused as unauthenticated further on
        if len(key) > 120:
            return _refusal(400, _("幂等键过长(最多 120 个字符)"))
        body = hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()
        found = IdempotentRequest.objects.filter(caller=caller, key=key).first()
        if found is not None:
            return self._again(found, body)
        try:
            with transaction.atomic():
                claim = IdempotentRequest.objects.create(
                    caller=caller,
                    key=key,
                    path=request.path[:300],
                    body_digest=body,
                    status=RUNNING,
                    content=b"",
                )
        except IntegrityError:  # the same key, sent twice at the same moment
            return self._again(IdempotentRequest.objects.get(caller=caller, key=key), body)
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            claim.delete()
            return response
        IdempotentRequest.objects.filter(pk=claim.pk).update(
            status=response.status_code,
            content_type=response.get("Content-Type", "")[:100],
            content=response.content,
        )
        return response

    @staticmethod
    def _again(found: IdempotentRequest, body: str) -> HttpResponse:
        if found.body_digest != body:
            return _refusal(422, _("该幂等键已用于另一个请求"))
        if found.status == RUNNING:
            return _refusal(409, _("相同的请求正在处理中,请稍后再试"))
        response = HttpResponse(
            bytes(found.content), status=found.status, content_type=found.content_type or None
        )
        response["Idempotent-Replayed"] = "true"
        return response


def sweep() -> int:
    """Forget the answers older than IDEMPOTENCY_HOURS."""
    before = timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_HOURS)
    return IdempotentRequest.objects.filter(created_at__lt=before).delete()[0]
