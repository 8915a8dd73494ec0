"""Innovation points for banks, and the enterprise's page of consents to banks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kechuang.programs import selectors_runs as sel
from kechuang.programs.forms_runs import ConsentForm
from kechuang.programs.services import consents as service
from kechuang.programs.views_runs import lang, own_enterprise


@login_required
def bank_points(request: HttpRequest) -> HttpResponse:
    rows = sel.bank_points(user=request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    language = lang()
    items = [{"result": r, "sentences": sel.explanation(r, language)} for r in page]
    return render(request, "programs/bank/points.html", {"page": page, "items": items})


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
    rows = sel.consent_list(user=request.user).filter(enterprise=enterprise)
    return render(
        request,
        "programs/bank/consents.html",
        {"form": form, "consents": rows, "today": timezone.localdate()},
    )


@login_required
@require_POST
def consent_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(sel.consent_list(user=request.user), pk=pk)
    try:
        service.consent_revoke(actor=request.user, consent=consent)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已撤回授权"))
    return redirect("programs:consents")
