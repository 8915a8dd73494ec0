"""Expert review of challenge bids: the province assigns and closes, the expert scores."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core.http import act, form_errors, paginate, to_form
from kechuang.core.roles import Role
from kechuang.core.scoping import role_of
from kechuang.market.challenges import forms, selectors, services
from kechuang.market.challenges.workflow import REVIEW


@login_required
@require_POST
def review_assign(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    form = forms.ReviewAssignForm(request.POST, challenge=c)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("market:challenge_detail", pk=pk)
    d = form.cleaned_data

    made: list[Any] = []

    def assign() -> None:
        made.extend(
            services.review_assign(
                actor=request.user, challenge=c, expert=d["expert"], bid=d["bid"]
            )
        )

    return act(
        request,
        assign,
        done=_("已分配评审专家"),
        back="market:challenge_detail",
        pk=pk,
    )


@login_required
@require_POST
def review_close(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act(
        request,
        lambda: services.review_close(actor=request.user, challenge=c, reason=reason),
        done=_("已结束专家评审"),
        back="market:challenge_detail",
        pk=pk,
    )


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.review_list(user=request.user)
    return render(
        request,
        "market/challenges/bid_review_list.html",
        {"page": paginate(request, rows), "is_expert": role_of(request.user) == Role.EXPERT},
    )


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(selectors.review_list(user=request.user), pk=pk)
    user: Any = request.user
    open_ = REVIEW.may(user, review, "submit")
    form = forms.BidReviewForm(request.POST or None) if open_ else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("此评审不能再提交意见"))
            return redirect("market:bid_review_detail", pk=pk)
        if form.is_valid():
            try:
                services.review_submit(
                    actor=user,
                    review=review,
                    score=form.cleaned_data["score"],
                    opinion=form.cleaned_data["opinion"],
                )
            except ValidationError as exc:
                to_form(form, exc)
            else:
                messages.success(request, _("评审意见已提交"))
                return redirect("market:bid_review_list")
    return render(
        request,
        "market/challenges/bid_review_detail.html",
        {"r": review, "bid": review.bid, "form": form},
    )
