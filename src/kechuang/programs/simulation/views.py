"""Policy simulation pages (province): edit a copy of the rules, see who flips, publish."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kechuang.programs import specs
from kechuang.programs.pages import lang
from kechuang.programs.simulation import selectors as sel
from kechuang.programs.simulation import services as service
from kechuang.programs.simulation.forms import PublishForm, SimulationForm
from kechuang.programs.specs import split
from kechuang.rules import SpecError


@login_required
def sim_create(request: HttpRequest) -> HttpResponse:
    service.require_province(request.user)
    form = SimulationForm(request.POST or None)
    chosen = request.POST.get("spec") or request.GET.get("spec") or ""
    if request.method == "GET":
        initial: dict[str, Any] = {}
        if ":" in chosen:
            program, year = split(chosen)
            try:
                initial = {"spec": chosen, "text": specs.active_spec(program, year).text}
            except SpecError as exc:
                messages.error(request, specs.spec_error_text(exc))
        form = SimulationForm(initial=initial)
    elif form.is_valid():
        program, year = split(form.cleaned_data["spec"])
        try:
            sim = service.simulation_run(
                actor=request.user, program=program, year=year, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            return redirect("programs:sim_detail", pk=sim.pk)
    return render(
        request,
        "programs/simulation/sim_form.html",
        {
            "form": form,
            "recent": sel.simulation_list(user=request.user)[:10],
            "versions": sel.spec_versions(user=request.user)[:20],
        },
    )


def _chart(sim: Any) -> dict[str, Any]:
    cities = sim.by_city
    return {
        "labels": [c["name"] for c in cities],
        "to_pass": [c["to_pass"] for c in cities],
        "to_fail": [c["to_fail"] for c in cities],
        "names": [str(_("未通过→通过")), str(_("通过→未通过"))],
    }


@login_required
def sim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sim = get_object_or_404(sel.simulation_list(user=request.user), pk=pk)
    direction = request.GET.get("direction", "")
    flips = [f for f in sim.flips if not direction or f["verdict_b"] == direction]
    page = Paginator(flips, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/simulation/sim_detail.html",
        {
            "sim": sim,
            "title": f"{specs.program_title(sim.program, lang())} {sim.year}",
            "page": page,
            "direction": direction,
            "to_pass": sum(1 for f in sim.flips if f["verdict_b"] == "pass"),
            "to_fail": sum(1 for f in sim.flips if f["verdict_b"] == "fail"),
            "chart": _chart(sim),
            "publish_form": PublishForm(),
        },
    )


@login_required
@require_POST
def sim_publish(request: HttpRequest, pk: int) -> HttpResponse:
    sim = get_object_or_404(sel.simulation_list(user=request.user), pk=pk)
    form = PublishForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        record = service.spec_publish(actor=request.user, simulation=sim, note=note)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("已发布为现行版本 %(version)s,此后的批量评价将使用该版本。")
            % {"version": record.version},
        )
    return redirect("programs:sim_detail", pk=sim.pk)
