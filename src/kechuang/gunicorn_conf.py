"""gunicorn settings of the product (`gunicorn -c python:kechuang.gunicorn_conf ...`).

gunicorn always sends `Server: gunicorn`; nothing in its options removes it, so its response
class is told to leave the line out: a site need not tell scanners what it runs on.
"""

from __future__ import annotations

from typing import Any

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server(self: Any) -> list[str]:
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server  # type: ignore[method-assign]
