"""Innovation points for banks, and the enterprise's page of consents to banks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kechuang.core.http import act, paginate
from kechuang.programs.consents import selectors as sel
from kechuang.programs.consents import services as service
from kechuang.programs.consents.forms import ConsentForm
from kechuang.programs.consents.workflow import CONSENT
from kechuang.programs.pages import lang, own_enterprise
from kechuang.programs.runs import selectors as runs
from kechuang.registry import services as registry
from kechuang.registry.models import BankRead


@login_required
def bank_points(request: HttpRequest) -> HttpResponse:
    rows = sel.bank_points(user=request.user)
    page = paginate(request, rows)
    registry.bank_reads_record(
        user=request.user, enterprise_ids=[r.enterprise_id for r in page], what=BankRead.What.POINTS
    )
    language = lang()
    items = [{"result": r, "sentences": runs.explanation(r, language)} for r in page]
    return render(request, "programs/consents/bank_points.html", {"page": page, "items": items})


@login_required
def consents(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.consent_grant(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已授权"))
            return redirect("programs:consents")
    rows = list(sel.consent_list(user=request.user).filter(enterprise=enterprise))
    for c in rows:
        c.actions = [  # type: ignore[attr-defined]
            {**a, "url": reverse("programs:consent_revoke", args=[c.pk])}
            for a in CONSENT.actions(request.user, c)
        ]
    return render(request, "programs/consents/consents.html", {"form": form, "consents": rows})


@login_required
@require_POST
def consent_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(sel.consent_list(user=request.user), pk=pk)
    return act(
        request,
        lambda: service.consent_revoke(actor=request.user, consent=consent),
        done=_("已撤回授权"),
        back="programs:consents",
    )


@login_required
def bank_reads(request: HttpRequest) -> HttpResponse:
    """Who of which bank read what of the enterprise's data, and when."""
    enterprise = own_enterprise(request)
    page = paginate(request, sel.bank_reads(user=request.user).filter(enterprise=enterprise))
    return render(request, "programs/consents/bank_reads.html", {"page": page})
