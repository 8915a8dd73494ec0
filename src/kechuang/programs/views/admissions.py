"""Admissions: the public list of a year, the admin list, revocations, spot checks and the
annual re-evaluation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core.http import act, paginate
from kechuang.programs import forms, selectors
from kechuang.programs.filters import AdmissionFilter
from kechuang.programs.models import Admission
from kechuang.programs.services import techsme
from kechuang.programs.views.common import is_province
from kechuang.programs.workflows import TECH_SME


def admitted_public(request: HttpRequest) -> HttpResponse:
    """The public list of tech-SMEs admitted in an evaluation year (`?year=`; in force)."""
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    return render(
        request,
        "programs/admitted_public.html",
        {
            "year": year,
            "page": paginate(request, selectors.admitted_in(user=request.user, year=year)),
        },
    )


def admission_list(request: HttpRequest) -> HttpResponse:
    """Admissions in force for everyone; revoked ones within the user's scope."""
    filterset = AdmissionFilter(
        request.GET or None, queryset=selectors.admission_list(user=request.user)
    )
    return render(
        request,
        "programs/admission_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_manage": is_province(request),
            "reevaluate_form": forms.ReevaluateForm(),
        },
    )


def _admission(request: HttpRequest, pk: int) -> Admission:
    return get_object_or_404(selectors.admission_list(user=request.user), pk=pk)


def admission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    admission = _admission(request, pk)
    # The admission's state is its application's: the spot checks and the revocation are
    # that workflow's transitions.
    names = {t.name for t in TECH_SME.available(request.user, admission.application)}
    return render(
        request,
        "programs/admission_detail.html",
        {
            "admission": admission,
            "checks": selectors.spot_checks(user=request.user, admission=admission),
            "revocation": selectors.revocation_list(user=request.user)
            .filter(admission=admission)
            .first(),
            "action_names": names,
            "revoke_confirm": TECH_SME["revoke"].confirm,
            "revoke_form": forms.RevokeForm(),
            "spot_check_form": forms.SpotCheckForm(),
        },
    )


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    admission = _admission(request, pk)
    form = forms.RevokeForm(request.POST)
    return act(
        request,
        lambda: techsme.revoke(
            actor=request.user,
            admission=admission,
            ground=form.cleaned_data["ground"],
            reason=form.cleaned_data["reason"],
        ),
        form=form,
        done=_("入库登记编号已撤销"),
        back="programs:admission_detail",
        pk=pk,
    )


@login_required
@require_POST
def spot_check(request: HttpRequest, pk: int) -> HttpResponse:
    admission = _admission(request, pk)
    form = forms.SpotCheckForm(request.POST)
    return act(
        request,
        lambda: techsme.spot_check(
            actor=request.user,
            admission=admission,
            result=form.cleaned_data["result"],
            note=form.cleaned_data["note"],
        ),
        form=form,
        done=_("抽查结果已记录"),
        back="programs:admission_detail",
        pk=pk,
    )


@login_required
@require_POST
def reevaluate(request: HttpRequest) -> HttpResponse:
    if not is_province(request):
        raise PermissionDenied
    form = forms.ReevaluateForm(request.POST)
    return act(
        request,
        lambda: techsme.mark_reevaluation(actor=request.user, year=form.cleaned_data["year"]),
        form=form,
        done=_("已标记需重新评价的入库企业"),
        back="programs:admission_list",
    )


@login_required
def revocation_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.revocation_list(user=request.user)
    return render(request, "programs/revocation_list.html", {"page": paginate(request, rows)})
