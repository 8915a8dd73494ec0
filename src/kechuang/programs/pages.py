"""What the pages of several program sub-domains share: the actions a workflow opens to the
user, the enterprise an enterprise user acts for, and the engine's sentences in the page's
language. View helpers only; each sub-domain's `views.py` uses them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation

from kechuang.core.http import Perform, with_urls
from kechuang.core.roles import Role
from kechuang.core.scoping import role_of
from kechuang.core.workflow import Workflow
from kechuang.registry.selectors import enterprise_get


def is_province(request: HttpRequest) -> bool:
    return role_of(request.user) == Role.PROVINCE_ADMIN


def actions(workflow: Workflow[Any], request: HttpRequest, obj: Any, url: str) -> dict[str, Any]:
    """The context of a record's actions: `actions`, the buttons `web/_actions.html` draws
    (posting to `url`, the record's `<pk>/act/<action>`), and `action_names`, every action
    open now, for the page to show the forms of those that need more than a reason."""
    available = workflow.actions(request.user, obj)
    return {
        "actions": with_urls([a for a in available if not a["form"]], url, obj.pk),
        "action_names": {a["name"] for a in available},
    }


def loader(selector: Any) -> Any:
    """`load` of `core.http.action_view`: the record if the user may see it, else 404."""

    def load(request: HttpRequest, pk: int) -> Any:
        return get_object_or_404(selector(user=request.user), pk=pk)

    return load


def performers(workflow: Workflow[Any], services: Mapping[str, Perform]) -> dict[str, Perform]:
    """`perform` of `core.http.action_view`: the service of each button; every other action
    (taken on a form of its own, or only as the consequence of another) is not found there."""

    def elsewhere(request: HttpRequest, obj: Any, reason: str) -> Any:
        raise Http404

    return {name: services.get(name, elsewhere) for name in workflow.transitions}


def lang() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh-hans"


def sentences(explanation: dict[str, list[str]]) -> list[str]:
    return explanation.get(lang(), []) if explanation else []


def own_enterprise(request: HttpRequest) -> Any:
    """The enterprise an enterprise user acts for; other roles are refused."""
    user: Any = request.user
    if role_of(user) != Role.ENTERPRISE or user.organization_id is None:
        raise PermissionDenied
    return enterprise_get(user=user, pk=user.organization_id)
