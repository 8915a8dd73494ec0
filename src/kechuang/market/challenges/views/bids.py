"""Bids on a challenge (揭榜): a solver bids and may withdraw; the issuer's side selects the
winning bid. Bids are shown to whoever the selectors let see them: the issuer all bids on
its challenges, a solver its own.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core.http import act, paginate, to_form
from kechuang.core.roles import Role
from kechuang.core.scoping import role_of
from kechuang.market.challenges import forms, selectors, services
from kechuang.market.challenges.filters import BidFilter
from kechuang.market.challenges.views.lists import buttons
from kechuang.market.challenges.workflow import BID, count_pending_reviews

BID_ROLES = {Role.PROVINCE_ADMIN, Role.ENTERPRISE, Role.INSTITUTION}


@login_required
def bid_create(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    user: Any = request.user
    role = role_of(user)
    if role not in BID_ROLES or (role != Role.PROVINCE_ADMIN and user.organization_id is None):
        raise PermissionDenied
    form = forms.BidForm(request.POST or None, names_solver=role == Role.PROVINCE_ADMIN)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            services.bid_submit(actor=user, challenge=c, data=data)
        except ValidationError as exc:
            to_form(form, exc)
        else:
            messages.success(request, _("已揭榜"))
            return redirect("market:challenge_detail", pk=c.pk)
    return render(request, "market/challenges/challenge_bid_form.html", {"form": form, "c": c})


@login_required
@require_POST
def bid_select(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    form = forms.SelectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择揭榜申请"))
        return redirect("market:challenge_detail", pk=pk)
    bid = get_object_or_404(
        selectors.bids_on(user=request.user, challenge=c), pk=form.cleaned_data["bid"]
    )
    reason = form.cleaned_data["reason"]
    return act(
        request,
        lambda: services.bid_select(actor=request.user, bid=bid, reason=reason),
        done=_("已选定揭榜方"),
        back="market:challenge_detail",
        pk=pk,
    )


@login_required
def bid_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.bid_list(user=request.user)
    filterset = BidFilter(request.GET or None, queryset=qs)
    page = paginate(request, filterset.qs)
    count_pending_reviews([b.challenge for b in page])
    for b in page:
        b.actions, _names = buttons(BID, request.user, b)
    return render(
        request, "market/challenges/challenge_bid_list.html", {"filter": filterset, "page": page}
    )


@login_required
@require_POST
def bid_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    bid = get_object_or_404(selectors.bid_list(user=request.user), pk=pk)
    return act(
        request,
        lambda: services.bid_withdraw(actor=request.user, bid=bid),
        done=_("已撤回"),
        back="market:bid_list",
    )
