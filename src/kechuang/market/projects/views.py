"""Provincial plan-project pages: the list, an application, the decision and acceptance."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core.http import act, paginate, save
from kechuang.core.roles import Role
from kechuang.core.scoping import role_of
from kechuang.market.common import form_page
from kechuang.market.projects import forms, selectors, services
from kechuang.market.projects.filters import ProjectFilter
from kechuang.market.projects.models import PlanProject
from kechuang.market.projects.workflow import PROJECT
from kechuang.registry.models import Enterprise, Institution

APPLYING_ROLES = {Role.PROVINCE_ADMIN, Role.ENTERPRISE, Role.INSTITUTION}


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    fs = ProjectFilter(request.GET or None, queryset=selectors.project_list(user=request.user))
    return render(
        request,
        "market/projects/project_list.html",
        {
            "filter": fs,
            "page": paginate(request, fs.qs),
            "can_create": role_of(request.user) in APPLYING_ROLES,
        },
    )


def _own_lead(user: Any) -> dict[str, Any]:
    role = role_of(user)
    if role == Role.ENTERPRISE:
        return {"lead_enterprise": Enterprise.objects.get(pk=user.organization_id)}
    return {"lead_institution": Institution.objects.get(pk=user.organization_id)}


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    role = role_of(user)
    if role not in APPLYING_ROLES or (role != Role.PROVINCE_ADMIN and user.organization_id is None):
        raise PermissionDenied
    own = role != Role.PROVINCE_ADMIN
    form = forms.ProjectForm(request.POST or None, own=own)
    if request.method == "POST" and form.is_valid():

        def write(d: dict[str, Any]) -> Any:
            lead = d.pop("lead_uscc", None)
            if own:
                d.update(_own_lead(user))
            elif isinstance(lead, Enterprise):
                d["lead_enterprise"] = lead
            elif lead is not None:
                d["lead_institution"] = lead
            return services.project_apply(actor=user, data=d)

        project = save(form, write)
        if project is not None:
            messages.success(request, _("项目已申报"))
            return redirect("market:project_detail", pk=project.pk)
    return form_page(request, form, _("申报省级科技计划项目"))


def _project(request: HttpRequest, pk: int) -> PlanProject:
    return get_object_or_404(selectors.project_list(user=request.user), pk=pk)


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = _project(request, pk)
    return render(
        request,
        "market/projects/project_detail.html",
        {
            "p": p,
            "events": selectors.project_events(user=request.user, project=p),
            "action_names": {t.name for t in PROJECT.available(request.user, p)},
            "decide_form": forms.DecideForm(),
            "conclude_form": forms.ConcludeForm(),
        },
    )


@login_required
@require_POST
def project_decide(request: HttpRequest, pk: int) -> HttpResponse:
    p = _project(request, pk)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择决定"))
        return redirect("market:project_detail", pk=pk)
    d = form.cleaned_data
    return act(
        request,
        lambda: services.project_decide(
            actor=request.user,
            project=p,
            approve=d["decision"] == "approve",
            budget=d.get("budget"),
            on=d.get("approved_on"),
            reason=d.get("reason") or "",
        ),
        done=_("已作出立项决定"),
        back="market:project_detail",
        pk=pk,
    )


@login_required
@require_POST
def project_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    p = _project(request, pk)
    form = forms.ConcludeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择验收结论"))
        return redirect("market:project_detail", pk=pk)
    d = form.cleaned_data
    return act(
        request,
        lambda: services.project_conclude(
            actor=request.user,
            project=p,
            passed=d["result"] == "passed",
            on=d.get("concluded_on"),
            reason=d.get("reason") or "",
        ),
        done=_("已记录验收结论"),
        back="market:project_detail",
        pk=pk,
    )
