"""What every page shares: one pager, and one way to run an action and report its outcome.

Generic Django only: `core` imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kechuang.core.workflow import Workflow

PAGE_SIZE = 50


def paginate(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> Page:
    """The page of `rows` the request asks for (`?page=`), the last one if past the end."""
    return Paginator(rows, size).get_page(request.GET.get("page"))


def report(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def act(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    done: Any = None,
    back: str,
    form: Any = None,
    **kwargs: Any,
) -> HttpResponse:
    """Run `action` (after validating `form`, when given) and go back to `back`, with the
    message `done` (if any) when it succeeded.

    A refusal of the rules (ValidationError) goes back to the page as messages; a refusal
    of permission (PermissionDenied) is not caught, so the user gets 403.
    """
    if form is not None and not form.is_valid():
        form_errors(request, form)
        return redirect(back, **kwargs)
    try:
        action()
    except ValidationError as exc:
        report(request, exc)
    else:
        if done:
            messages.success(request, done)
    return redirect(back, **kwargs)


def to_form(form: Any, exc: ValidationError) -> None:
    """Put a service's refusal on the form: by field where the form has that field, else as
    an error of the whole form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def save(form: Any, write: Callable[[dict[str, Any]], Any]) -> Any:
    """Run `write` (a service) on a valid form's cleaned data and return what it returns;
    None, with the refusal on the form (`to_form`), when the service refuses."""
    try:
        return write(dict(form.cleaned_data))
    except ValidationError as exc:
        to_form(form, exc)
    return None


Perform = Callable[[HttpRequest, Any, str], Any]


def action_view(
    workflow: Workflow[Any],
    *,
    load: Callable[[HttpRequest, int], Any],
    back: str,
    perform: Mapping[str, Perform] | None = None,
) -> Callable[..., HttpResponse]:
    """The POST view that performs `<pk>/<action>` of `workflow`, through the service named
    for it in `perform`, or the workflow's own `perform` when the action needs nothing more
    than a reason."""
    services = dict(perform or {})

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
        if action not in workflow.transitions:
            raise Http404(action)
        obj = load(request, pk)
        reason = request.POST.get("reason", "")
        if action in services:
            run = services[action]
        else:

            def run(request: HttpRequest, obj: Any, reason: str) -> Any:
                return workflow.perform(action, actor=request.user, obj=obj, reason=reason)

        return act(
            request,
            lambda: run(request, obj, reason),
            done=_("已%(action)s") % {"action": workflow[action].label},
            back=back,
            pk=pk,
        )

    return view


def with_urls(actions: list[dict[str, Any]], url_name: str, pk: int) -> list[dict[str, Any]]:
    """Each action of `Workflow.actions` with the address its button posts to (or, for an
    action on a form of its own, the address of that form)."""
    for a in actions:
        if a["form"]:
            a["url"] = resolve_url(a["form"], pk=pk)
        else:
            a["url"] = resolve_url(url_name, pk=pk, action=a["name"])
    return actions
