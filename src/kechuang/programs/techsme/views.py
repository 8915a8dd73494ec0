"""Tech-SME pages: registration, the self-assessment with its live score, applications,
the review queue and the decisions taken on an application; then admissions: the public list
of a year, the admin list, revocations, spot checks and the annual re-evaluation."""

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
from kechuang.programs import assessment
from kechuang.programs.common import events
from kechuang.programs.pages import (
    actions,
    is_province,
    loader,
    own_enterprise,
    performers,
    sentences,
)
from kechuang.programs.techsme import forms, selectors, services
from kechuang.programs.techsme.filters import AdmissionFilter, ApplicationFilter
from kechuang.programs.techsme.models import Admission, TechSMEApplication
from kechuang.programs.techsme.workflow import TECH_SME

S = TechSMEApplication.Status


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return assessment.default_year("tech-sme", timezone.localdate())


def _application(request: HttpRequest, pk: int) -> TechSMEApplication:
    return get_object_or_404(selectors.application_list(user=request.user), pk=pk)


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.application_list(user=request.user).order_by("-year", "-id")
    filterset = ApplicationFilter(request.GET or None, queryset=rows)
    return render(
        request,
        "programs/techsme/application_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "is_enterprise": role_of(request.user) == Role.ENTERPRISE,
            "title": _("科技型中小企业评价"),
        },
    )


REVIEW_DECISIONS = ("pass", "return", "reject")


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.review_queue(user=request.user))
    return render(
        request,
        "programs/techsme/application_list.html",
        {
            "page": page,
            "queue": True,
            "title": _("形式审查"),
            "bulk": bulk_context(
                TECH_SME,
                request.user,
                page,
                REVIEW_DECISIONS,
                reverse("programs:review_bulk"),
            ),
        },
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request)
    registration = selectors.registration_get(user=request.user, enterprise=enterprise)
    if request.method == "POST" and registration is None:
        try:
            services.registration_create(actor=request.user, enterprise=enterprise)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已注册评价系统,请填写自评信息"))
            return redirect("programs:techsme_assess")
    return render(
        request,
        "programs/techsme/register.html",
        {"enterprise": enterprise, "registration": registration},
    )


@login_required
def assess(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request)
    if selectors.registration_get(user=request.user, enterprise=enterprise) is None:
        messages.info(request, _("请先注册评价系统"))
        return redirect("programs:techsme_register")
    year = _year(request)
    current = (
        selectors.application_list(user=request.user)
        .filter(enterprise=enterprise, year=year, status__in=TechSMEApplication.LIVE)
        .first()
    )
    if current is not None and not TECH_SME.may(request.user, current, "assess"):
        messages.info(request, _("本年度的评价信息表已提交"))
        return redirect("programs:techsme_detail", pk=current.pk)
    if current is not None:
        initial, source = assessment.from_json(current.figures.get("values", {})), None
    else:
        initial, source = assessment.initial_figures(enterprise, year)
    form = forms.SelfAssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.self_assess(
                actor=request.user,
                enterprise=enterprise,
                year=year,
                figures=form.figures(),
                source_year=source,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("自评已保存"))
            return redirect("programs:techsme_detail", pk=app.pk)
    return render(
        request,
        "programs/techsme/assess.html",
        {
            "form": form,
            "enterprise": enterprise,
            "year": year,
            "fiscal_year": year - 1,
            "current": current,
            "years": assessment.rule_years("tech-sme"),
            "result": _preview(enterprise, year, initial) if initial else None,
        },
    )


def _preview(enterprise: Any, year: int, figures: dict[str, Any]) -> dict[str, Any]:
    try:
        found = assessment.tech_sme(enterprise, year, figures)
    except ValidationError as exc:
        return {"error": " ".join(exc.messages)}
    return {
        "score": found.score,
        "verdict": found.verdict,
        "qualified_by": found.qualified_by,
        "sentences": sentences(found.explanation),
    }


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The score and reasons of the figures as typed, evaluated without saving anything."""
    enterprise = own_enterprise(request)
    form = forms.SelfAssessmentForm(request.POST)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        context["result"] = _preview(enterprise, _year(request), form.figures())
    return render(request, "programs/techsme/_assessment.html", context)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = _application(request, pk)
    entry = getattr(app, "notice_entry", None)
    admission = getattr(app, "admission", None)
    figures = assessment.from_json(app.figures.get("values", {}))
    form = forms.SelfAssessmentForm()
    return render(
        request,
        "programs/techsme/application_detail.html",
        {
            "app": app,
            "figures": [(form.fields[k].label, figures.get(k)) for k in form.fields],
            "sentences": sentences(app.explanation),
            "events": events(user=request.user, application=app),
            "deadline": selectors.review_deadline(app),
            "entry": entry,
            "admission": admission,
            **actions(TECH_SME, request, app, "programs:techsme_act"),
        },
    )


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    app = _application(request, pk)
    return act(
        request,
        lambda: services.submit(actor=request.user, application=app),
        done=_("评价信息表已提交,等待形式审查"),
        back="programs:techsme_detail",
        pk=pk,
    )


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The review as one form (a decision and its reasons); the page posts each decision
    as a button of its own to `act`."""
    app = _application(request, pk)
    form = forms.ReviewForm(request.POST)
    return act(
        request,
        lambda: services.review(
            actor=request.user,
            application=app,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        ),
        form=form,
        done=_("形式审查结论已保存"),
        back="programs:techsme_detail",
        pk=pk,
    )


@login_required
@require_POST
def admit(request: HttpRequest, pk: int) -> HttpResponse:
    app = _application(request, pk)
    return act(
        request,
        lambda: services.admit(actor=request.user, application=app),
        done=_("已入库并赋予登记编号"),
        back="programs:techsme_detail",
        pk=pk,
    )


def _review(decision: str) -> Any:
    def run(request: HttpRequest, app: TechSMEApplication, reason: str) -> Any:
        return services.review(
            actor=request.user, application=app, decision=decision, reason=reason
        )

    return run


# `<pk>/act/<action>`: the buttons of the application's page.
act_view = action_view(
    TECH_SME,
    load=loader(selectors.application_list),
    back="programs:techsme_detail",
    perform=performers(
        TECH_SME,
        {
            "submit": lambda r, app, _reason: services.submit(actor=r.user, application=app),
            "pass": _review("pass"),
            "return": _review("return"),
            "reject": _review("reject"),
            "admit": lambda r, app, _reason: services.admit(actor=r.user, application=app),
        },
    ),
)


# `review/bulk`: one decision on the ticked applications of the review queue.
review_bulk = bulk_view(
    TECH_SME,
    rows=lambda request: selectors.review_queue(user=request.user),
    names=REVIEW_DECISIONS,
    back="programs:review_queue",
    perform={name: _review(name) for name in REVIEW_DECISIONS},
)


# --- admissions --------------------------------------------------------------------------


def admitted_public(request: HttpRequest) -> HttpResponse:
    """The public list of tech-SMEs admitted in an evaluation year (`?year=`; in force)."""
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    return render(
        request,
        "programs/techsme/admitted_public.html",
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
        "programs/techsme/admission_list.html",
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
        "programs/techsme/admission_detail.html",
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
        lambda: services.revoke(
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
        lambda: services.spot_check(
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
        lambda: services.mark_reevaluation(actor=request.user, year=form.cleaned_data["year"]),
        form=form,
        done=_("已标记需重新评价的入库企业"),
        back="programs:admission_list",
    )


@login_required
def revocation_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.revocation_list(user=request.user)
    return render(
        request, "programs/techsme/revocation_list.html", {"page": paginate(request, rows)}
    )
