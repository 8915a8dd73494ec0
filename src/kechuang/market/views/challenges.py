"""Challenge-list pages (揭榜挂帅): calls and demands, lists, challenges and their bids.

Published lists and their challenges are public. Bids are shown to whoever the selectors
let see them: the issuer all bids on its challenges, a solver its own.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core.roles import Role
from kechuang.core.scoping import role_of
from kechuang.market import forms_challenges as f
from kechuang.market import reviews, selectors, services
from kechuang.market.filters import BatchFilter, BidFilter, ChallengeDemandFilter, ChallengeFilter
from kechuang.market.models import Challenge, ChallengeDemand, ChallengeListBatch
from kechuang.market.services import challenge_edits
from kechuang.market.services.reviews import pending_reviews
from kechuang.market.services.workflow import acts_for
from kechuang.market.views.common import act, form_messages, form_page, paged, save, to_form
from kechuang.registry.models import Enterprise

DEMAND_ROLES = {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE}
BID_ROLES = {Role.PROVINCE_ADMIN, Role.ENTERPRISE, Role.INSTITUTION}


def _province(request: HttpRequest) -> None:
    if role_of(request.user) != Role.PROVINCE_ADMIN:
        raise PermissionDenied


def _listing(request: HttpRequest, template: str, filterset: Any, **extra: Any) -> HttpResponse:
    return render(
        request,
        template,
        {"filter": filterset, "page": paged(request, filterset.qs), **extra},
    )


# --- calls and demands ---------------------------------------------------------------------


def call_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.call_list(user=request.user)
    return render(
        request,
        "market/challenge_call_list.html",
        {
            "page": paged(request, rows),
            "today": timezone.localdate(),
            "can_create": role_of(request.user) == Role.PROVINCE_ADMIN,
            "can_propose": role_of(request.user) in DEMAND_ROLES,
        },
    )


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    _province(request)
    form = f.CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = save(form, lambda d: services.call_create(actor=request.user, data=d))
        if call is not None:
            messages.success(request, _("需求征集已发布"))
            return redirect("market:call_list")
    return form_page(request, form, _("发布需求征集"))


@login_required
def demand_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.challenge_demand_list(user=request.user)
    filterset = ChallengeDemandFilter(request.GET or None, queryset=qs)
    page = paged(request, filterset.qs)
    for d in page:
        d.editable = challenge_edits.demand_locked(d) is None and challenge_edits.may_edit_demand(
            request.user, d
        )
    return render(
        request,
        "market/challenge_demand_list.html",
        {
            "filter": filterset,
            "page": page,
            "is_province": role_of(request.user) == Role.PROVINCE_ADMIN,
            "can_propose": role_of(request.user) in DEMAND_ROLES,
            "reason_form": f.ReasonForm(),
        },
    )


@login_required
def demand_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    role = role_of(user)
    if role not in DEMAND_ROLES or (role == Role.ENTERPRISE and user.organization_id is None):
        raise PermissionDenied
    today = timezone.localdate()
    calls = selectors.call_list(user=user).filter(opens_on__lte=today, closes_on__gte=today)
    own = role == Role.ENTERPRISE
    form = f.DemandForm(request.POST or None, calls=calls, own=own)
    if request.method == "POST" and form.is_valid():

        def write(d: dict[str, Any]) -> Any:
            call = d.pop("call_choice")
            enterprise = d.pop("enterprise_uscc", None) or Enterprise.objects.get(
                pk=user.organization_id
            )
            return services.demand_propose(actor=user, call=call, enterprise=enterprise, data=d)

        if save(form, write) is not None:
            messages.success(request, _("需求已提交"))
            return redirect("market:challenge_demand_list")
    return form_page(request, form, _("提出揭榜挂帅需求"))


@login_required
@require_POST
def demand_decline(request: HttpRequest, pk: int) -> HttpResponse:
    demand: ChallengeDemand = get_object_or_404(
        selectors.challenge_demand_list(user=request.user), pk=pk
    )
    form = f.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act(
        request,
        lambda: services.demand_decline(actor=request.user, demand=demand, reason=reason),
        "market:challenge_demand_list",
    )


# --- lists ---------------------------------------------------------------------------------


def batch_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.batch_list(user=request.user)
    return _listing(
        request,
        "market/challenge_batch_list.html",
        BatchFilter(request.GET or None, queryset=qs),
        can_create=role_of(request.user) == Role.PROVINCE_ADMIN,
    )


@login_required
def batch_create(request: HttpRequest) -> HttpResponse:
    _province(request)
    form = f.BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        batch = save(form, lambda d: services.batch_create(actor=request.user, data=d))
        if batch is not None:
            return redirect("market:batch_detail", pk=batch.pk)
    return form_page(request, form, _("编制揭榜挂帅榜单"))


def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(selectors.batch_list(user=request.user), pk=pk)
    items = selectors.challenge_list(user=request.user).filter(batch=batch)
    return render(
        request,
        "market/challenge_batch_detail.html",
        {
            "batch": batch,
            "items": items,
            "is_province": role_of(request.user) == Role.PROVINCE_ADMIN,
        },
    )


@login_required
def challenge_add(request: HttpRequest, pk: int) -> HttpResponse:
    batch: ChallengeListBatch = get_object_or_404(selectors.batch_list(user=request.user), pk=pk)
    _province(request)
    demands = selectors.challenge_demand_list(user=request.user).filter(
        call_id=batch.call_id, status=ChallengeDemand.Status.SUBMITTED
    )
    form = f.ChallengeForm(request.POST or None, demands=demands)
    if request.method == "POST" and form.is_valid():

        def write(d: dict[str, Any]) -> Any:
            demand = d.pop("demand", None)
            data = {k: v for k, v in d.items() if v not in (None, "")}
            return services.challenge_create(
                actor=request.user, batch=batch, data=data, demand=demand
            )

        if save(form, write) is not None:
            return redirect("market:batch_detail", pk=batch.pk)
    return form_page(request, form, _("凝练榜单项目"))


@login_required
@require_POST
def batch_publish(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(selectors.batch_list(user=request.user), pk=pk)
    return act(
        request,
        lambda: services.batch_publish(actor=request.user, batch=batch),
        "market:batch_detail",
        pk=pk,
    )


# --- challenges and bids -------------------------------------------------------------------


def _challenge(request: HttpRequest, pk: int) -> Challenge:
    return get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)


def challenge_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.challenge_list(user=request.user)
    return _listing(
        request, "market/challenge_list.html", ChallengeFilter(request.GET or None, queryset=qs)
    )


def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = _challenge(request, pk)
    user: Any = request.user
    role = role_of(user)
    issuer = acts_for(user, Role.ENTERPRISE, c.issuer_id)
    province = role == Role.PROVINCE_ADMIN
    review_open = c.status == Challenge.Status.OPEN and c.review_closed_on is None
    scores = reviews.review_summary(user=user, challenge=c)
    pending = pending_reviews(c)
    bids = list(selectors.bids_on(user=user, challenge=c))
    for b in bids:
        setattr(b, "review", scores.get(b.pk))  # noqa: B010 - read by the template
    return render(
        request,
        "market/challenge_detail.html",
        {
            "c": c,
            "bids": bids,
            "agreement": selectors.challenge_agreement(user=user, challenge=c),
            "project": selectors.project_list(user=user).filter(challenge=c).first(),
            "events": selectors.challenge_events(user=user, challenge=c),
            "can_bid": role in BID_ROLES and not issuer and c.accepts_bids(timezone.localdate()),
            # Selection waits for the expert review (the service refuses it as well).
            "can_select": (issuer or province)
            and c.status == Challenge.Status.OPEN
            and (c.review_closed_on is not None or not pending),
            "can_apply": (issuer or province) and c.status == Challenge.Status.SIGNED,
            "is_province": province,
            "sees_reviews": bool(scores) or province,
            "reviews_pending": pending,
            "can_assign": province and review_open and c.deadline < timezone.localdate(),
            "can_close_review": province and review_open and bool(scores),
            "assign_form": f.ReviewAssignForm(challenge=c) if province else None,
            "agreement_form": f.AgreementForm(),
            "reason_form": f.ReasonForm(),
        },
    )


@login_required
def bid_create(request: HttpRequest, pk: int) -> HttpResponse:
    c = _challenge(request, pk)
    user: Any = request.user
    role = role_of(user)
    if role not in BID_ROLES or (role != Role.PROVINCE_ADMIN and user.organization_id is None):
        raise PermissionDenied
    form = f.BidForm(request.POST or None, names_solver=role == Role.PROVINCE_ADMIN)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            services.bid_submit(actor=user, challenge=c, data=data)
        except ValidationError as exc:
            to_form(form, exc)
        else:
            messages.success(request, _("已揭榜"))
            return redirect("market:challenge_detail", pk=c.pk)
    return render(request, "market/challenge_bid_form.html", {"form": form, "c": c})


@login_required
@require_POST
def bid_select(request: HttpRequest, pk: int) -> HttpResponse:
    c = _challenge(request, pk)
    form = f.SelectForm(request.POST)
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
        "market:challenge_detail",
        pk=pk,
    )


@login_required
@require_POST
def agreement_record(request: HttpRequest, pk: int) -> HttpResponse:
    c = _challenge(request, pk)
    form = f.AgreementForm(request.POST)
    if not form.is_valid():
        form_messages(request, form)
        return redirect("market:challenge_detail", pk=pk)
    d = form.cleaned_data
    return act(
        request,
        lambda: services.agreement_record(
            actor=request.user,
            challenge=c,
            signed_on=d["signed_on"],
            amount=d["amount"],
            note=d["note"],
        ),
        "market:challenge_detail",
        pk=pk,
    )


@login_required
@require_POST
def challenge_unawarded(request: HttpRequest, pk: int) -> HttpResponse:
    c = _challenge(request, pk)
    form = f.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act(
        request,
        lambda: services.challenge_unawarded(actor=request.user, challenge=c, reason=reason),
        "market:challenge_detail",
        pk=pk,
    )


@login_required
@require_POST
def challenge_apply(request: HttpRequest, pk: int) -> HttpResponse:
    c = _challenge(request, pk)
    try:
        project = services.project_apply(actor=request.user, data={}, challenge=c)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("market:challenge_detail", pk=pk)
    messages.success(request, _("已申报省级科技计划项目"))
    return redirect("market:project_detail", pk=project.pk)


@login_required
def bid_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.bid_list(user=request.user)
    return _listing(
        request, "market/challenge_bid_list.html", BidFilter(request.GET or None, queryset=qs)
    )


@login_required
@require_POST
def bid_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    bid = get_object_or_404(selectors.bid_list(user=request.user), pk=pk)
    return act(
        request,
        lambda: services.bid_withdraw(actor=request.user, bid=bid),
        "market:bid_list",
    )
