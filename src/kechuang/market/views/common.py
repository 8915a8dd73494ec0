"""What the market's pages share: paging, and turning a service's refusal into messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

PAGE_SIZE = 30


def paged(request: HttpRequest, rows: Any) -> Page:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def to_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's validation errors on the form, by field where the form has one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def save(form: forms.BaseForm, write: Callable[[dict[str, Any]], Any]) -> Any:
    """Run `write` on the cleaned data; None (and errors on the form) when refused."""
    try:
        return write(dict(form.cleaned_data))
    except ValidationError as exc:
        to_form(form, exc)
    return None


def form_messages(request: HttpRequest, form: forms.BaseForm) -> None:
    """A form posted from a detail page shows its errors there, as messages."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


def act(request: HttpRequest, action: Callable[[], Any], to: str, **kwargs: Any) -> HttpResponse:
    """A POST action: run it, show why it was refused if it was, and go back to `to`."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(to, **kwargs)


def form_page(request: HttpRequest, form: forms.BaseForm, title: Any) -> HttpResponse:
    return render(request, "market/form.html", {"form": form, "title": title})
