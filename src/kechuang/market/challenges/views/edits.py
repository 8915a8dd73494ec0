"""Edit pages of the challenge lists: calls, demands, lists and challenges.

Each page finds the record among those the user may read (404 otherwise), refuses with
403 a user who may read but not keep it, and leaves the change to a service, which audits
it and refuses a record in a state that must not change.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kechuang.core.roles import Role
from kechuang.core.scoping import role_of
from kechuang.market.challenges import forms, selectors, services
from kechuang.market.common import edit_page


@login_required
def challenge_demand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(selectors.challenge_demand_list(user=request.user), pk=pk)
    if not services.may_edit_challenge_demand(request.user, obj):
        raise PermissionDenied
    return edit_page(
        request,
        forms.ChallengeDemandEditForm(request.POST or None, instance=obj),
        lambda d: services.challenge_demand_update(actor=request.user, demand=obj, data=d),
        _("修改揭榜挂帅需求"),
        ("market:challenge_demand_list", None),
        services.challenge_demand_locked(obj),
    )


@login_required
def challenge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    _province_only(request)
    return edit_page(
        request,
        forms.ChallengeEditForm(request.POST or None, instance=obj),
        lambda d: services.challenge_update(actor=request.user, challenge=obj, data=d),
        _("修改榜单项目"),
        ("market:challenge_detail", obj.pk),
        services.challenge_locked(obj),
    )


def _province_only(request: HttpRequest) -> None:
    if role_of(request.user) != Role.PROVINCE_ADMIN:
        raise PermissionDenied


@login_required
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(selectors.challenge_call_list(user=request.user), pk=pk)
    _province_only(request)
    return edit_page(
        request,
        forms.CallEditForm(request.POST or None, instance=obj),
        lambda d: services.call_update(actor=request.user, call=obj, data=d),
        _("修改揭榜挂帅需求征集"),
        ("market:challenge_call_list", None),
        services.call_locked(obj),
    )


@login_required
def batch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(selectors.batch_list(user=request.user), pk=pk)
    _province_only(request)
    return edit_page(
        request,
        forms.BatchEditForm(request.POST or None, instance=obj),
        lambda d: services.batch_update(actor=request.user, batch=obj, data=d),
        _("修改揭榜挂帅榜单"),
        ("market:batch_detail", obj.pk),
        services.batch_locked(obj),
    )
