"""What the market's pages and forms share: the form page (and its edit variant) and the
form widgets. Here rather than in one sub-domain because the catalogue, challenges, plan
projects and activities all render their forms through the same page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kechuang.core.http import save

PAGE_SIZE = 30  # rows of a list page of the catalogue and the activities
FORM_TEMPLATE = "market/form.html"
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class DateInput(forms.DateInput):
    input_type = "date"


def form_page(
    request: HttpRequest, form: forms.BaseForm, title: Any, locked: str | None = None
) -> HttpResponse:
    """The page of one form; `locked` says why the record may no longer be changed."""
    return render(request, FORM_TEMPLATE, {"form": form, "title": title, "locked": locked})


def edit_page(
    request: HttpRequest,
    form: forms.BaseForm,
    write: Callable[[dict[str, Any]], Any],
    title: str,
    done: tuple[str, int | None],
    locked: str | None = None,
) -> HttpResponse:
    """An edit page: on a valid POST of an unlocked record, `write` the change and go to
    `done` (a URL name and the pk it takes, if any); otherwise show the form again."""
    if (
        not locked
        and request.method == "POST"
        and form.is_valid()
        and save(form, write) is not None
    ):
        messages.success(request, _("修改已保存"))
        to, pk = done
        return redirect(to, pk=pk) if pk is not None else redirect(to)
    return form_page(request, form, title, locked)
