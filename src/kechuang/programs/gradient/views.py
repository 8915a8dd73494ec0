"""Gradient-program pages: calls, applying, the city's recommendations, expert review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core.http import act, action_view, bulk_context, bulk_view, paginate
from kechuang.core.roles import Role
from kechuang.core.scoping import role_of
from kechuang.programs.common import events
from kechuang.programs.gradient import forms, selectors, services
from kechuang.programs.gradient.filters import GradientFilter
from kechuang.programs.gradient.models import GradientApplication
from kechuang.programs.gradient.workflow import GRADIENT
from kechuang.programs.pages import (
    actions,
    is_province,
    loader,
    own_enterprise,
    performers,
    sentences,
)


def gradient_call_list(request: HttpRequest) -> HttpResponse:
    """Calls are public announcements."""
    return render(
        request,
        "programs/gradient/gradient_call_list.html",
        {
            "page": paginate(request, selectors.gradient_call_list(user=request.user)),
            "today": timezone.localdate(),
            "can_create": is_province(request),
            "can_apply": role_of(request.user) == Role.ENTERPRISE,
        },
    )


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    if not is_province(request):
        raise PermissionDenied
    form = forms.CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("申报通知已发布"))
            return redirect("programs:gradient_call_list")
    return render(
        request, "programs/gradient/form.html", {"form": form, "title": _("发布申报通知")}
    )


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request)
    today = timezone.localdate()
    calls = selectors.gradient_call_list(user=request.user).filter(
        opens_on__lte=today, deadline__gte=today
    )
    form = forms.ApplyForm(request.POST or None, calls=calls, initial=request.GET or None)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.apply(
                actor=request.user,
                call=form.cleaned_data["call"],
                enterprise=enterprise,
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("申报已提交,等待所在市推荐"))
            return redirect("programs:gradient_detail", pk=app.pk)
    return render(
        request, "programs/gradient/form.html", {"form": form, "title": _("梯度培育申报")}
    )


@login_required
def gradient_list(request: HttpRequest) -> HttpResponse:
    filterset = GradientFilter(
        request.GET or None, queryset=selectors.gradient_list(user=request.user)
    )
    return render(
        request,
        "programs/gradient/gradient_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs), "title": _("梯度培育申报")},
    )


@login_required
def recommendation_queue(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.recommendation_queue(user=request.user))
    bulk = bulk_context(
        GRADIENT, request.user, page, RECOMMENDATIONS, reverse("programs:recommendation_bulk")
    )
    return render(
        request,
        "programs/gradient/gradient_list.html",
        {"page": page, "title": _("待推荐的申报"), "queue": True, "bulk": bulk},
    )


def _app(request: HttpRequest, pk: int) -> GradientApplication:
    return get_object_or_404(selectors.gradient_list(user=request.user), pk=pk)


@login_required
def gradient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = _app(request, pk)
    reviews = selectors.reviews_of(user=request.user, application=app)
    return render(
        request,
        "programs/gradient/gradient_detail.html",
        {
            "app": app,
            "sentences": sentences(app.explanation),
            "events": events(user=request.user, application=app),
            "deadline": selectors.recommend_deadline(app),
            "reviews": reviews,
            "entry": getattr(app, "notice_entry", None),
            "certification": getattr(app, "certification", None),
            **actions(GRADIENT, request, app, "programs:gradient_act"),
            "assign_form": forms.AssignForm(),
            "score_form": forms.ScoreForm(),
        },
    )


@login_required
@require_POST
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    """The recommendation as one form; the page posts each decision as a button to `act`."""
    app = _app(request, pk)
    form = forms.RecommendForm(request.POST)
    return act(
        request,
        lambda: services.recommend(
            actor=request.user,
            application=app,
            recommended=form.cleaned_data["recommended"],
            reason=form.cleaned_data["reason"],
        ),
        form=form,
        done=_("推荐意见已保存"),
        back="programs:gradient_detail",
        pk=pk,
    )


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    app = _app(request, pk)
    form = forms.AssignForm(request.POST)
    return act(
        request,
        lambda: services.assign_expert(
            actor=request.user, application=app, expert=form.cleaned_data["expert"]
        ),
        form=form,
        done=_("已分配评审专家"),
        back="programs:gradient_detail",
        pk=pk,
    )


@login_required
@require_POST
def score(request: HttpRequest, pk: int) -> HttpResponse:
    app = _app(request, pk)
    form = forms.ScoreForm(request.POST)
    return act(
        request,
        lambda: services.expert_review(
            actor=request.user,
            application=app,
            score=form.cleaned_data["score"],
            recommended=form.cleaned_data["recommended"],
            comment=form.cleaned_data["comment"],
        ),
        form=form,
        done=_("评审意见已提交"),
        back="programs:gradient_detail",
        pk=pk,
    )


def _recommend(yes: bool) -> Any:
    def run(request: HttpRequest, app: GradientApplication, reason: str) -> Any:
        return services.recommend(
            actor=request.user, application=app, recommended=yes, reason=reason
        )

    return run


# `<pk>/act/<action>`: the buttons of the application's page.
RECOMMENDATIONS = ("recommend", "not_recommend")

# `recommendations/bulk`: one recommendation on the ticked applications of the queue.
recommendation_bulk = bulk_view(
    GRADIENT,
    rows=lambda request: selectors.recommendation_queue(user=request.user),
    names=RECOMMENDATIONS,
    back="programs:recommendation_queue",
    perform={"recommend": _recommend(True), "not_recommend": _recommend(False)},
)

act_view = action_view(
    GRADIENT,
    load=loader(selectors.gradient_list),
    back="programs:gradient_detail",
    perform=performers(
        GRADIENT,
        {
            "recommend": _recommend(True),
            "not_recommend": _recommend(False),
            "file": lambda r, app, _reason: services.file(actor=r.user, application=app),
        },
    ),
)


def certification_list(request: HttpRequest) -> HttpResponse:
    """Enterprises holding a gradient status: public."""
    rows = selectors.certification_list(user=request.user)
    return render(
        request,
        "programs/gradient/certification_list.html",
        {"page": paginate(request, rows), "today": timezone.localdate()},
    )
