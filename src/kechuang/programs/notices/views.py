"""Public notices (公示): the public lists, publishing a batch, objections and their decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core.http import act, paginate, with_urls
from kechuang.programs.common import Program
from kechuang.programs.notices import forms, selectors, services
from kechuang.programs.notices.models import Objection
from kechuang.programs.notices.workflow import OBJECTIONS
from kechuang.programs.pages import is_province, performers


def notice_list(request: HttpRequest) -> HttpResponse:
    """Published notices: public, anonymous visitors included."""
    return render(
        request,
        "programs/notices/notice_list.html",
        {
            "page": paginate(request, selectors.notice_list(user=request.user)),
            "can_publish": is_province(request),
        },
    )


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(selectors.notice_list(user=request.user), pk=pk)
    today = timezone.localdate()
    ended = today > batch.ends_on
    return render(
        request,
        "programs/notices/notice_detail.html",
        {
            "batch": batch,
            "entries": selectors.notice_entries(user=request.user, batch=batch),
            "open": batch.starts_on <= today <= batch.ends_on,
            "can_conclude": is_province(request) and ended and batch.concluded_on is None,
        },
    )


@login_required
def notice_create(request: HttpRequest) -> HttpResponse:
    if not is_province(request):
        raise PermissionDenied
    choose = forms.NoticeFilterForm(
        request.GET or None, initial={"program": Program.TECH_SME, "year": _year()}
    )
    program, year = Program.TECH_SME.value, _year()
    if choose.is_valid():
        program, year = choose.cleaned_data["program"], choose.cleaned_data["year"]
    ready = selectors.ready_for_notice(user=request.user, program=program, year=year)
    form = forms.NoticeForm(
        request.POST or None, ready=ready, initial={"starts_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.notice_publish(
                actor=request.user,
                program=program,
                year=year,
                applications=list(data["applications"]),
                starts_on=data["starts_on"],
                title=data["title"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("公示已发布"))
            return redirect("programs:notice_detail", pk=batch.pk)
    return render(
        request,
        "programs/notices/notice_form.html",
        {"choose": choose, "form": form, "program": program, "year": year},
    )


def _year() -> int:
    return timezone.localdate().year


@login_required
@require_POST
def notice_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(selectors.notice_list(user=request.user), pk=pk)
    if not is_province(request):
        raise PermissionDenied
    try:
        done, left = services.conclude_notice(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已办结 %(n)d 项") % {"n": len(done)})
        for entry, problems in left:
            messages.warning(request, f"{entry.enterprise_name}:{' '.join(problems)}")
    return redirect("programs:notice_detail", pk=pk)


@login_required
def objection_create(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(selectors.notice_entry_list(user=request.user), pk=pk)
    return _objection_page(request, entry)


def _objection_page(request: HttpRequest, entry: Any) -> HttpResponse:
    form = forms.ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_raise(
                actor=request.user, entry=entry, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("异议已提交,省科技厅将核实处理"))
            return redirect("programs:notice_detail", pk=entry.batch_id)
    return render(
        request,
        "programs/notices/objection_form.html",
        {"entry": entry, "form": form, "open": selectors.notice_open(entry, timezone.localdate())},
    )


@login_required
def objection_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.objection_list(user=request.user))
    for objection in page:
        objection.actions = with_urls(
            OBJECTIONS.actions(request.user, objection), "programs:objection_act", objection.pk
        )
    return render(
        request,
        "programs/notices/objection_list.html",
        {"page": page, "can_resolve": any(o.actions for o in page)},
    )


@login_required
@require_POST
def objection_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision as one form; the list posts each decision as a button to `act`."""
    objection = get_object_or_404(selectors.objection_list(user=request.user), pk=pk)
    form = forms.ResolveForm(request.POST)
    return act(
        request,
        lambda: services.objection_resolve(
            actor=request.user,
            objection=objection,
            upheld=form.cleaned_data["upheld"],
            note=form.cleaned_data["note"],
        ),
        form=form,
        done=_("异议已处理"),
        back="programs:objection_list",
    )


def _resolve(upheld: bool) -> Any:
    def run(request: HttpRequest, objection: Objection, reason: str) -> Any:
        return services.objection_resolve(
            actor=request.user, objection=objection, upheld=upheld, note=reason
        )

    return run


_DECIDE = performers(OBJECTIONS, {"uphold": _resolve(True), "dismiss": _resolve(False)})


@login_required
@require_POST
def objection_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """`<pk>/act/<action>`: the buttons of the objection list, which they go back to (the
    generic `action_view` goes back to a record's own page)."""
    if action not in _DECIDE:
        raise Http404(action)
    objection = get_object_or_404(selectors.objection_list(user=request.user), pk=pk)
    reason = request.POST.get("reason", "")
    return act(
        request,
        lambda: _DECIDE[action](request, objection, reason),
        done=_("异议已处理"),
        back="programs:objection_list",
    )
