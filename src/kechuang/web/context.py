from typing import Any

from django.http import HttpRequest

from kechuang.core.scoping import role_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"user_role": role_of(getattr(request, "user", None))}
