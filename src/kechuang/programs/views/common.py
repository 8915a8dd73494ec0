"""What the program pages share: running a service from a form and reporting its outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

from kechuang.core.roles import Role
from kechuang.core.scoping import role_of

PAGE_SIZE = 50


def paginate(request: HttpRequest, rows: QuerySet[Any]) -> Page:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def is_province(request: HttpRequest) -> bool:
    return role_of(request.user) == Role.PROVINCE_ADMIN


def report(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def act(
    request: HttpRequest,
    form: Any,
    action: Callable[[dict[str, Any]], Any],
    back: str,
    done: str,
    **kwargs: Any,
) -> HttpResponse:
    """Run `action` with the form's data; errors go back to the page as messages.

    A refusal (PermissionDenied) is not caught: the user gets 403.
    """
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back, **kwargs)
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        report(request, exc)
    else:
        messages.success(request, done)
    return redirect(back, **kwargs)


def lang() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh-hans"


def sentences(explanation: dict[str, list[str]]) -> list[str]:
    return explanation.get(lang(), []) if explanation else []
