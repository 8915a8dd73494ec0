"""The API keys page: an account's keys (and its organisation's), a new key shown once,
revocation."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kechuang.core import apikeys
from kechuang.core.http import form_errors
from kechuang.core.models import ApiKey


class KeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=80,
        help_text=gettext_lazy("例如:信贷系统(生产)"),
    )
    access = forms.ChoiceField(
        label=gettext_lazy("权限"), choices=ApiKey.Access.choices, initial=ApiKey.Access.READ
    )
    days = forms.IntegerField(label=gettext_lazy("有效天数"), min_value=1)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        days = self.fields["days"]
        days.initial = settings.API_KEY_DAYS
        days.max_value = settings.API_KEY_MAX_DAYS  # type: ignore[attr-defined]
        days.widget.attrs["max"] = settings.API_KEY_MAX_DAYS


@login_required
@require_http_methods(["GET", "POST"])
def key_list(request: HttpRequest) -> HttpResponse:
    form = KeyForm(request.POST or None)
    token = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                _row, token = apikeys.issue(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                form = KeyForm()
        else:
            form_errors(request, form)
    keys = apikeys.manageable(request.user).order_by("-created_at", "-id")[:200]
    return render(
        request,
        "account/keys.html",
        {"form": form, "token": token, "keys": keys, "now": timezone.now()},
    )


@login_required
@require_POST
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(apikeys.manageable(request.user), pk=pk)
    apikeys.revoke(actor=request.user, key=key)
    messages.success(request, _("密钥 %(name)s 已吊销") % {"name": key})
    return redirect("account:keys")
