"""Rate limits of the API: per account for signed-in callers, per address for the others.

Rates come from the settings at each request (API_RATE_USER, API_RATE_ANON, "600/m"; empty:
no limit), so an operator can change them without code. The counts live in the default
cache; with the local-memory cache each server process counts for itself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle


class CallerThrottle(SimpleRateThrottle):
    scope = "api"

    def __init__(self) -> None:
        super().__init__(rate="1/s")  # replaced from the settings at each request

    @staticmethod
    def _caller(request: HttpRequest) -> Any:
        auth = getattr(request, "auth", None)
        return auth if getattr(auth, "is_authenticated", False) else None

    def allow_request(self, request: HttpRequest) -> bool:
        user = self._caller(request)
        self.rate = (settings.API_RATE_USER if user is not None else settings.API_RATE_ANON) or None
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.rate is None:
            return True
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str:
        user = self._caller(request)
        ident = f"user:{user.pk}" if user is not None else f"addr:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
