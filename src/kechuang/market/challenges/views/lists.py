"""Challenge-list pages (揭榜挂帅): calls and demands, lists, challenges and the steps that
follow a selected bid (agreement, no award, the plan-project application). Published lists
and their challenges are public. Bids have their own pages (`bids`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core import scoping
from kechuang.core.http import act, form_errors, paginate, save
from kechuang.core.roles import Role
from kechuang.core.scoping import role_of
from kechuang.core.workflow import Workflow
from kechuang.market.challenges import forms, selectors, services
from kechuang.market.challenges.filters import BatchFilter, ChallengeDemandFilter, ChallengeFilter
from kechuang.market.challenges.models import Challenge, ChallengeDemand, ChallengeListBatch
from kechuang.market.challenges.workflow import (
    BATCH,
    BID,
    CHALLENGE,
    DEMAND,
    pending_reviews,
)
from kechuang.market.common import form_page
from kechuang.market.projects import selectors as project_selectors
from kechuang.market.projects import services as project_services
from kechuang.registry.models import Enterprise

DEMAND_ROLES = {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE}


# The page each action posts to (the actions on a form of their own name it themselves).
POSTS = {
    "decline": "market:challenge_demand_decline",
    "publish": "market:batch_publish",
    "close_review": "market:review_close",
    "apply_project": "market:challenge_apply",
    "unawarded": "market:challenge_unawarded",
    "withdraw": "market:bid_withdraw",
}
# Actions drawn on the page with a richer form of their own, not as a button.
INLINE = {"assign_review", "record_agreement", "select", "approve", "reject", "accept", "fail"}


def buttons(workflow: Workflow[Any], user: Any, obj: Any, posts: Mapping[str, str] = POSTS) -> Any:
    """The workflow's actions open to `user` on `obj`, as buttons posting to their page;
    `names` lists them all, for the actions drawn with a form of their own."""
    actions = workflow.actions(user, obj)
    shown = []
    for a in actions:
        if a["name"] in INLINE:
            continue
        if a["form"]:
            a["url"] = resolve_url(a["form"], pk=obj.pk)
        elif a["name"] in posts:
            a["url"] = resolve_url(posts[a["name"]], pk=obj.pk)
        else:
            continue  # an action without a page of its own (a list's closing: API, demo)
        shown.append(a)
    return shown, {a["name"] for a in actions}


def _province(request: HttpRequest) -> None:
    if role_of(request.user) != Role.PROVINCE_ADMIN:
        raise PermissionDenied


def _listing(request: HttpRequest, template: str, filterset: Any, **extra: Any) -> HttpResponse:
    return render(
        request,
        template,
        {"filter": filterset, "page": paginate(request, filterset.qs), **extra},
    )


# --- calls and demands ---------------------------------------------------------------------


def challenge_call_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.challenge_call_list(user=request.user)
    return render(
        request,
        "market/challenges/challenge_call_list.html",
        {
            "page": paginate(request, rows),
            "today": timezone.localdate(),
            "can_create": role_of(request.user) == Role.PROVINCE_ADMIN,
            "can_propose": role_of(request.user) in DEMAND_ROLES,
        },
    )


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    _province(request)
    form = forms.CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = save(form, lambda d: services.call_create(actor=request.user, data=d))
        if call is not None:
            messages.success(request, _("需求征集已发布"))
            return redirect("market:challenge_call_list")
    return form_page(request, form, _("发布需求征集"))


@login_required
def challenge_demand_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.challenge_demand_list(user=request.user)
    filterset = ChallengeDemandFilter(request.GET or None, queryset=qs)
    page = paginate(request, filterset.qs)
    scoping.prefetch_editable(request.user, [d.enterprise for d in page])
    for d in page:
        d.actions, _names = buttons(DEMAND, request.user, d)
    return render(
        request,
        "market/challenges/challenge_demand_list.html",
        {
            "filter": filterset,
            "page": page,
            "can_propose": role_of(request.user) in DEMAND_ROLES,
        },
    )


@login_required
def challenge_demand_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    role = role_of(user)
    if role not in DEMAND_ROLES or (role == Role.ENTERPRISE and user.organization_id is None):
        raise PermissionDenied
    today = timezone.localdate()
    calls = selectors.challenge_call_list(user=user).filter(
        opens_on__lte=today, closes_on__gte=today
    )
    own = role == Role.ENTERPRISE
    form = forms.ChallengeDemandForm(request.POST or None, calls=calls, own=own)
    if request.method == "POST" and form.is_valid():

        def write(d: dict[str, Any]) -> Any:
            call = d.pop("call_choice")
            enterprise = d.pop("enterprise_uscc", None) or Enterprise.objects.get(
                pk=user.organization_id
            )
            return services.challenge_demand_propose(
                actor=user, call=call, enterprise=enterprise, data=d
            )

        if save(form, write) is not None:
            messages.success(request, _("需求已提交"))
            return redirect("market:challenge_demand_list")
    return form_page(request, form, _("提出揭榜挂帅需求"))


@login_required
@require_POST
def challenge_demand_decline(request: HttpRequest, pk: int) -> HttpResponse:
    demand: ChallengeDemand = get_object_or_404(
        selectors.challenge_demand_list(user=request.user), pk=pk
    )
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act(
        request,
        lambda: services.challenge_demand_decline(actor=request.user, demand=demand, reason=reason),
        done=_("已不予采纳"),
        back="market:challenge_demand_list",
    )


# --- lists ---------------------------------------------------------------------------------


def batch_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.batch_list(user=request.user)
    return _listing(
        request,
        "market/challenges/challenge_batch_list.html",
        BatchFilter(request.GET or None, queryset=qs),
        can_create=role_of(request.user) == Role.PROVINCE_ADMIN,
    )


@login_required
def batch_create(request: HttpRequest) -> HttpResponse:
    _province(request)
    form = forms.BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        batch = save(form, lambda d: services.batch_create(actor=request.user, data=d))
        if batch is not None:
            return redirect("market:batch_detail", pk=batch.pk)
    return form_page(request, form, _("编制揭榜挂帅榜单"))


def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(selectors.batch_list(user=request.user), pk=pk)
    items = selectors.challenge_list(user=request.user).filter(batch=batch)
    actions, _names = buttons(BATCH, request.user, batch)
    return render(
        request,
        "market/challenges/challenge_batch_detail.html",
        {"batch": batch, "items": items, "actions": actions},
    )


@login_required
def challenge_add(request: HttpRequest, pk: int) -> HttpResponse:
    batch: ChallengeListBatch = get_object_or_404(selectors.batch_list(user=request.user), pk=pk)
    _province(request)
    demands = selectors.challenge_demand_list(user=request.user).filter(
        call_id=batch.call_id, status=ChallengeDemand.Status.SUBMITTED
    )
    form = forms.ChallengeForm(request.POST or None, demands=demands)
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
        done=_("榜单已发布"),
        back="market:batch_detail",
        pk=pk,
    )


# --- challenges and bids -------------------------------------------------------------------


def _challenge(request: HttpRequest, pk: int) -> Challenge:
    return get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)


def challenge_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.challenge_list(user=request.user)
    return _listing(
        request,
        "market/challenges/challenge_list.html",
        ChallengeFilter(request.GET or None, queryset=qs),
    )


def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = _challenge(request, pk)
    user: Any = request.user
    actions, names = buttons(CHALLENGE, user, c)
    scores = selectors.review_summary(user=user, challenge=c)
    bids = list(selectors.bids_on(user=user, challenge=c))
    for b in bids:
        setattr(b, "review", scores.get(b.pk))  # noqa: B010 - read by the template
        setattr(b, "selectable", BID.may(user, b, "select"))  # noqa: B010
    return render(
        request,
        "market/challenges/challenge_detail.html",
        {
            "c": c,
            "bids": bids,
            "agreement": selectors.challenge_agreement(user=user, challenge=c),
            "project": project_selectors.project_list(user=user).filter(challenge=c).first(),
            "events": selectors.challenge_events(user=user, challenge=c),
            "actions": actions,
            "action_names": names,
            "can_select": any(b.selectable for b in bids),  # type: ignore[attr-defined]
            "select_confirm": BID["select"].confirm,
            "sees_reviews": bool(scores) or role_of(user) == Role.PROVINCE_ADMIN,
            "reviews_pending": pending_reviews(c),
            "assign_form": forms.ReviewAssignForm(challenge=c)
            if "assign_review" in names
            else None,
            "agreement_form": forms.AgreementForm(),
        },
    )


@login_required
@require_POST
def agreement_record(request: HttpRequest, pk: int) -> HttpResponse:
    c = _challenge(request, pk)
    form = forms.AgreementForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
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
        done=_("已签约备案"),
        back="market:challenge_detail",
        pk=pk,
    )


@login_required
@require_POST
def challenge_unawarded(request: HttpRequest, pk: int) -> HttpResponse:
    c = _challenge(request, pk)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act(
        request,
        lambda: services.challenge_unawarded(actor=request.user, challenge=c, reason=reason),
        done=_("已宣布流榜"),
        back="market:challenge_detail",
        pk=pk,
    )


@login_required
@require_POST
def challenge_apply(request: HttpRequest, pk: int) -> HttpResponse:
    c = _challenge(request, pk)
    try:
        project = project_services.project_apply(actor=request.user, data={}, challenge=c)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("market:challenge_detail", pk=pk)
    messages.success(request, _("已申报省级科技计划项目"))
    return redirect("market:project_detail", pk=project.pk)
