"""What every page shares: one pager, and one way to run an action and report its outcome.

Generic Django only: `core` imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
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


# --- batch decisions ------------------------------------------------------------------------

BULK_MAX = 500  # rows one decision may cover: a page of a list, with room to spare
SHOWN_FAILURES = 10


def bulk_context(
    workflow: Workflow[Any], user: Any, rows: Any, names: Sequence[str], url: str
) -> dict[str, Any]:
    """What `web/_bulk_actions.html` needs: the batch actions open to `user` on at least one
    of `rows` (the page shown), and where the form posts."""
    actions = [
        {
            "name": t.name,
            "label": str(t.label),
            "confirm": str(t.confirm),
            "style": t.style,
            "reason_required": t.reason,
        }
        for t in workflow.bulk_actions(user, rows, names)
    ]
    return {
        "url": url,
        "actions": actions,
        "reason_needed": any(a["reason_required"] for a in actions),
    }


def _ids(request: HttpRequest) -> list[int]:
    seen: dict[int, None] = {}
    for raw in request.POST.getlist("ids"):
        if raw.isdigit():
            seen[int(raw)] = None
    return list(seen)[:BULK_MAX]


def safe_next(request: HttpRequest) -> str:
    """The `next` address the request carries (POST, else GET) if it stays on this site,
    else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _back(request: HttpRequest, back: str) -> HttpResponse:
    return redirect(safe_next(request) or back)


def bulk_view(
    workflow: Workflow[Any],
    *,
    rows: Callable[[HttpRequest], Any],
    names: Sequence[str],
    back: str,
    perform: Mapping[str, Perform] | None = None,
) -> Callable[..., HttpResponse]:
    """The POST view of a list's batch form: one of `names` on the ticked rows.

    Rows are looked up in `rows(request)`, the user's own scoped list, so an id from
    elsewhere is simply not found; each row is performed in a savepoint of its own, so one
    refusal stops no other, and the page says what was done and what was not, and why.
    """
    services = dict(perform or {})

    @login_required
    @require_POST
    def view(request: HttpRequest) -> HttpResponse:
        name = request.POST.get("action", "")
        if name not in names:
            raise Http404(name)
        t = workflow[name]
        ids = _ids(request)
        if not ids:
            messages.warning(request, _("请先勾选要处理的记录"))
            return _back(request, back)
        reason = request.POST.get("reason", "").strip()
        if t.reason and not reason:
            messages.error(request, _("请填写理由"))
            return _back(request, back)
        objs = list(rows(request).filter(pk__in=ids))
        service = services.get(name)
        result = workflow.perform_many(
            name,
            actor=request.user,
            objs=objs,
            reason=reason,
            run=(lambda obj: service(request, obj, reason)) if service else None,
        )
        if result.done:
            messages.success(
                request,
                ngettext("已%(action)s %(n)d 项", "已%(action)s %(n)d 项", len(result.done))
                % {"action": t.label, "n": len(result.done)},
            )
        for obj, why in result.failed[:SHOWN_FAILURES]:
            messages.error(request, f"{obj}:{why}")
        hidden = len(result.failed) - SHOWN_FAILURES
        if hidden > 0:
            messages.error(request, _("另有 %(n)d 项未执行") % {"n": hidden})
        missing = len(ids) - len(objs)
        if missing:
            messages.warning(request, _("%(n)d 项不在您可处理的范围内或已不存在") % {"n": missing})
        return _back(request, back)

    return view
