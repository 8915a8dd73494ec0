"""Template helpers shared by every app's pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from kechuang.registry import display

register = template.Library()


@register.simple_tag
def url_if_routed(name: str, *args: Any) -> str:
    """The URL, or "" while the view behind `name` is not routed (a button is then hidden)."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return ""


@register.filter
def attr(obj: Any, path: str) -> Any:
    return display.attr_value(obj, path)


@register.filter
def show(value: Any) -> Any:
    return display.display_value(value)


@register.simple_tag
def field_rows(obj: Any, exclude: str = "") -> list[display.Row]:
    return display.field_rows(obj, exclude=[x for x in exclude.split(",") if x])


def _query(request: HttpRequest, **changes: str | None) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, label: Any, key: str) -> str:
    """A column heading that sorts by `key`, and reverses the order on a second click."""
    request: HttpRequest = context["request"]
    current = request.GET.get("ordering", "")
    if current == key:
        new, mark, state = f"-{key}", " ▲", "ascending"
    elif current == f"-{key}":
        new, mark, state = key, " ▼", "descending"
    else:
        new, mark, state = key, "", "none"
    url = request.path + _query(request, ordering=new, page=None)
    return format_html(
        '<a href="{}" hx-get="{}" class="sort" data-sort="{}">{}{}</a>',
        url,
        url,
        state,
        label,
        mark,
    )


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    request: HttpRequest = context["request"]
    return request.path + _query(request, page=str(number))


@register.simple_tag
def page_numbers(page: Any) -> list[Any]:
    """The page numbers a pager shows: the ends and two on each side of this page, with the
    paginator's ellipsis between."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.simple_tag(takes_context=True)
def current_query(context: template.Context, **extra: str) -> str:
    """The filters of the current list without its page (for an export link), plus `extra`."""
    request: HttpRequest = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in extra.items():
        params[key] = value
    return params.urlencode()


@register.filter
def thousands(value: Any) -> str:
    """12,345 in either language (Django's zh-hans format has no thousands separator)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)
