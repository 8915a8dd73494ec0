"""Achievement catalogue (public), transfers, enterprise technology demands, and their edit
pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core import personal, scoping
from kechuang.core.http import act, paginate, save
from kechuang.core.roles import Role
from kechuang.core.scoping import role_of
from kechuang.market.catalogue import forms, selectors, services
from kechuang.market.catalogue.filters import AchievementFilter, DemandFilter, TransferFilter
from kechuang.market.catalogue.models import Achievement
from kechuang.market.catalogue.workflow import ACHIEVEMENT, TECH_DEMAND
from kechuang.market.common import PAGE_SIZE, edit_page, form_page
from kechuang.market.contracts import selectors as contract_selectors
from kechuang.registry.models import Enterprise, Institution


def _own(request: HttpRequest, model: type[Any], role: str) -> Any:
    """The organisation an institution or enterprise user acts for; else 403."""
    user: Any = request.user
    if role_of(user) != role or user.organization_id is None:
        raise PermissionDenied
    return get_object_or_404(model, pk=user.organization_id)


def _unpublished_own(user: Any) -> Any:
    if role_of(user) != Role.INSTITUTION or user.organization_id is None:
        return []
    return (
        selectors.achievement_list(user=user)
        .exclude(status=Achievement.Status.PUBLISHED)
        .filter(institution_id=user.organization_id)
    )


def achievement_catalogue(request: HttpRequest) -> HttpResponse:
    """Published achievements, for everyone, with search."""
    qs = selectors.achievement_catalogue(user=request.user)
    filterset = AchievementFilter(request.GET or None, queryset=qs)
    return render(
        request,
        "market/catalogue/achievement_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs, PAGE_SIZE),
            "can_create": role_of(request.user) == Role.INSTITUTION,
            "mine": _unpublished_own(request.user),
        },
    )


# Where each action of the catalogue's workflows posts (an action on a form of its own
# names its page itself).
POSTS = {
    "publish": "market:achievement_publish",
    "withdraw": "market:achievement_withdraw",
    "close": "market:demand_close",
}


def _buttons(workflow: Any, user: Any, obj: Any) -> list[dict[str, Any]]:
    actions = workflow.actions(user, obj)
    for a in actions:
        a["url"] = resolve_url(a["form"] or POSTS[a["name"]], pk=obj.pk)
    return actions


def achievement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(selectors.achievement_list(user=request.user), pk=pk)
    user: Any = request.user
    return render(
        request,
        "market/catalogue/achievement_detail.html",
        {
            "object": obj,
            # Personal data: masked to other readers, hidden from anonymous ones.
            "contact": personal.value(user, obj, "contact"),
            "actions": _buttons(ACHIEVEMENT, user, obj),
            "can_edit": services.may_update(user, obj),
        },
    )


@login_required
def achievement_create(request: HttpRequest) -> HttpResponse:
    institution = _own(request, Institution, Role.INSTITUTION)
    form = forms.AchievementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        obj = save(
            form,
            lambda data: services.achievement_create(
                actor=request.user, institution=institution, data=data
            ),
        )
        if obj is not None:
            messages.success(request, _("成果已保存(草稿),发布后进入公开目录"))
            return redirect("market:achievement_detail", pk=obj.pk)
    return form_page(request, form, _("登记科技成果"))


def _achievement_action(request: HttpRequest, pk: int, publish: bool) -> HttpResponse:
    obj = get_object_or_404(selectors.achievement_list(user=request.user), pk=pk)
    return act(
        request,
        lambda: services.achievement_publish(actor=request.user, achievement=obj, publish=publish),
        done=_("成果已发布") if publish else _("成果已撤回"),
        back="market:achievement_detail",
        pk=obj.pk,
    )


@login_required
@require_POST
def achievement_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _achievement_action(request, pk, publish=True)


@login_required
@require_POST
def achievement_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _achievement_action(request, pk, publish=False)


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    filterset = TransferFilter(
        request.GET or None, queryset=selectors.transfer_list(user=request.user)
    )
    page = paginate(request, filterset.qs, PAGE_SIZE)
    scoping.prefetch_editable(request.user, [t.institution for t in page])
    for t in page:
        t.editable = services.may_update(request.user, t)
    return render(
        request,
        "market/catalogue/transfer_list.html",
        {
            "filter": filterset,
            "page": page,
            "can_create": role_of(request.user) == Role.INSTITUTION,
        },
    )


@login_required
def transfer_create(request: HttpRequest) -> HttpResponse:
    institution = _own(request, Institution, Role.INSTITUTION)
    form = forms.TransferForm(request.POST or None)
    form.fields["achievement"].queryset = institution.achievements.all()  # type: ignore[attr-defined]
    form.fields["contract"].queryset = contract_selectors.contract_list(user=request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        obj = save(
            form,
            lambda data: services.transfer_create(
                actor=request.user, institution=institution, data=data
            ),
        )
        if obj is not None:
            messages.success(request, _("成果转化已登记"))
            return redirect("market:transfer_list")
    return form_page(request, form, _("登记成果转化"))


def demand_list(request: HttpRequest) -> HttpResponse:
    """Public demands for everyone; an enterprise also sees its own private ones."""
    filterset = DemandFilter(request.GET or None, queryset=selectors.demand_list(user=request.user))
    return render(
        request,
        "market/catalogue/demand_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs, PAGE_SIZE),
            "can_create": role_of(request.user) == Role.ENTERPRISE,
        },
    )


def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(selectors.demand_list(user=request.user), pk=pk)
    return render(
        request,
        "market/catalogue/demand_detail.html",
        {"object": obj, "actions": _buttons(TECH_DEMAND, request.user, obj)},
    )


@login_required
@require_POST
def demand_close(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(selectors.demand_list(user=request.user), pk=pk)
    return act(
        request,
        lambda: services.demand_close(
            actor=request.user, demand=obj, reason=request.POST.get("reason", "")
        ),
        done=_("技术需求已关闭"),
        back="market:demand_detail",
        pk=obj.pk,
    )


@login_required
def demand_create(request: HttpRequest) -> HttpResponse:
    enterprise = _own(request, Enterprise, Role.ENTERPRISE)
    form = forms.DemandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        obj = save(
            form,
            lambda data: services.demand_create(
                actor=request.user, enterprise=enterprise, data=data
            ),
        )
        if obj is not None:
            messages.success(request, _("技术需求已发布"))
            return redirect("market:demand_detail", pk=obj.pk)
    return form_page(request, form, _("发布技术需求"))


def _catalogue_record(request: HttpRequest, qs: Any, pk: int) -> Any:
    obj = get_object_or_404(qs, pk=pk)
    if not services.may_update(request.user, obj):
        raise PermissionDenied
    return obj


@login_required
def achievement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _catalogue_record(request, selectors.achievement_list(user=request.user), pk)
    form = forms.AchievementForm(request.POST or None, instance=obj)
    return edit_page(
        request,
        form,
        lambda d: services.achievement_update(actor=request.user, achievement=obj, data=d),
        _("修改科技成果"),
        ("market:achievement_detail", obj.pk),
    )


@login_required
def demand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _catalogue_record(request, selectors.demand_list(user=request.user), pk)
    form = forms.DemandForm(request.POST or None, instance=obj)
    return edit_page(
        request,
        form,
        lambda d: services.demand_update(actor=request.user, demand=obj, data=d),
        _("修改技术需求"),
        ("market:demand_detail", obj.pk),
        services.locked_reason(obj),
    )


@login_required
def transfer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _catalogue_record(request, selectors.transfer_list(user=request.user), pk)
    form = forms.TransferForm(request.POST or None, instance=obj)
    form.fields["achievement"].queryset = obj.institution.achievements.all()  # type: ignore[attr-defined]
    contracts = contract_selectors.contract_list(user=request.user)
    form.fields["contract"].queryset = contracts  # type: ignore[attr-defined]
    return edit_page(
        request,
        form,
        lambda d: services.transfer_update(actor=request.user, transfer=obj, data=d),
        _("修改成果转化"),
        ("market:transfer_list", None),
        services.locked_reason(obj),
    )
