"""Edit pages of the market's catalogue and activity records.

Each page finds the record among those the user may read (404 otherwise), refuses with
403 a user who may read but not keep it, and leaves the change to a service, which audits
it and refuses a record in a state that must not change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kechuang.core.roles import Role
from kechuang.core.scoping import role_of
from kechuang.market import forms, selectors, services
from kechuang.market import forms_activities as fa
from kechuang.market import forms_challenges as fc
from kechuang.market.services import catalogue, challenge_edits
from kechuang.market.views.common import save


def _edit_page(
    request: HttpRequest,
    form: djforms.BaseForm,
    write: Callable[[dict[str, Any]], Any],
    title: str,
    done: tuple[str, int | None],
    locked: str | None = None,
) -> HttpResponse:
    if (
        not locked
        and request.method == "POST"
        and form.is_valid()
        and save(form, write) is not None
    ):
        messages.success(request, _("修改已保存"))
        to, pk = done
        return redirect(to, pk=pk) if pk is not None else redirect(to)
    return render(request, "market/form.html", {"form": form, "title": title, "locked": locked})


def _catalogue_record(request: HttpRequest, qs: Any, pk: int) -> Any:
    obj = get_object_or_404(qs, pk=pk)
    if not catalogue.may_update(request.user, obj):
        raise PermissionDenied
    return obj


def _kept(request: HttpRequest, qs: Any, pk: int) -> Any:
    obj = get_object_or_404(qs, pk=pk)
    if not selectors.may_change(user=request.user, obj=obj):
        raise PermissionDenied
    return obj


@login_required
def achievement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _catalogue_record(request, selectors.achievement_list(user=request.user), pk)
    form = forms.AchievementForm(request.POST or None, instance=obj)
    return _edit_page(
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
    return _edit_page(
        request,
        form,
        lambda d: services.demand_update(actor=request.user, demand=obj, data=d),
        _("修改技术需求"),
        ("market:demand_detail", obj.pk),
        catalogue.locked_reason(obj),
    )


@login_required
def transfer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _catalogue_record(request, selectors.transfer_list(user=request.user), pk)
    form = forms.TransferForm(request.POST or None, instance=obj)
    form.fields["achievement"].queryset = obj.institution.achievements.all()  # type: ignore[attr-defined]
    contracts = selectors.contract_list(user=request.user)
    form.fields["contract"].queryset = contracts  # type: ignore[attr-defined]
    return _edit_page(
        request,
        form,
        lambda d: services.transfer_update(actor=request.user, transfer=obj, data=d),
        _("修改成果转化"),
        ("market:transfer_list", None),
        catalogue.locked_reason(obj),
    )


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _kept(request, selectors.event_list(user=request.user), pk)
    form = fa.EventEditForm(request.POST or None, instance=obj)
    return _edit_page(
        request,
        form,
        lambda d: services.event_update(actor=request.user, event=obj, data=d),
        _("修改对接活动"),
        ("market:event_detail", obj.pk),
    )


@login_required
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _kept(request, selectors.training_list(user=request.user), pk)
    form = fa.TrainingEditForm(request.POST or None, instance=obj)
    return _edit_page(
        request,
        form,
        lambda d: services.training_update(actor=request.user, session=obj, data=d),
        _("修改培训班"),
        ("market:training_detail", obj.pk),
    )


@login_required
def broker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _kept(request, selectors.broker_list(user=request.user), pk)
    form = fa.BrokerEditForm(request.POST or None, instance=obj)
    return _edit_page(
        request,
        form,
        lambda d: services.broker_update(actor=request.user, broker=obj, data=d),
        _("修改技术经纪人"),
        ("market:broker_list", None),
    )


@login_required
def challenge_demand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(selectors.challenge_demand_list(user=request.user), pk=pk)
    if not challenge_edits.may_edit_demand(request.user, obj):
        raise PermissionDenied
    return _edit_page(
        request,
        fc.ChallengeDemandEditForm(request.POST or None, instance=obj),
        lambda d: challenge_edits.challenge_demand_update(actor=request.user, demand=obj, data=d),
        _("修改揭榜挂帅需求"),
        ("market:challenge_demand_list", None),
        challenge_edits.demand_locked(obj),
    )


@login_required
def challenge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    _province_only(request)
    return _edit_page(
        request,
        fc.ChallengeEditForm(request.POST or None, instance=obj),
        lambda d: challenge_edits.challenge_update(actor=request.user, challenge=obj, data=d),
        _("修改榜单项目"),
        ("market:challenge_detail", obj.pk),
        challenge_edits.challenge_locked(obj),
    )


def _province_only(request: HttpRequest) -> None:
    if role_of(request.user) != Role.PROVINCE_ADMIN:
        raise PermissionDenied


@login_required
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(selectors.call_list(user=request.user), pk=pk)
    _province_only(request)
    return _edit_page(
        request,
        fc.CallEditForm(request.POST or None, instance=obj),
        lambda d: challenge_edits.call_update(actor=request.user, call=obj, data=d),
        _("修改揭榜挂帅需求征集"),
        ("market:call_list", None),
        challenge_edits.call_locked(obj),
    )


@login_required
def batch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(selectors.batch_list(user=request.user), pk=pk)
    _province_only(request)
    return _edit_page(
        request,
        fc.BatchEditForm(request.POST or None, instance=obj),
        lambda d: challenge_edits.batch_update(actor=request.user, batch=obj, data=d),
        _("修改揭榜挂帅榜单"),
        ("market:batch_detail", obj.pk),
        challenge_edits.batch_locked(obj),
    )
