"""The market's front page; matchmaking events, brokers and training pages, and their edit pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core import scoping
from kechuang.core.http import act, paginate, save
from kechuang.core.roles import Role
from kechuang.core.scoping import role_of
from kechuang.market import counts
from kechuang.market.activities import forms, selectors, services
from kechuang.market.activities.filters import BrokerFilter, EventFilter, TrainingFilter
from kechuang.market.activities.models import Broker, TrainingSession
from kechuang.market.common import PAGE_SIZE, edit_page, form_page

ORGANISING_ROLES = {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.SERVICE}
BROKER_ROLES = {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.SERVICE, Role.INSTITUTION}
ADMINS = {Role.PROVINCE_ADMIN, Role.CITY_ADMIN}


def market_index(request: HttpRequest) -> HttpResponse:
    """The technology market's sections; each page shows only what the user may see."""
    return render(
        request, "market/activities/index.html", {"logged_in": request.user.is_authenticated}
    )


def _organiser_role(request: HttpRequest) -> str:
    user: Any = request.user
    role = role_of(user)
    if role not in ORGANISING_ROLES or (role == Role.SERVICE and user.organization_id is None):
        raise PermissionDenied
    return str(role)


# --- events ----------------------------------------------------------------------------------


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    fs = EventFilter(request.GET or None, queryset=selectors.event_list(user=request.user))
    return render(
        request,
        "market/activities/event_list.html",
        {
            "filter": fs,
            "page": paginate(request, fs.qs, PAGE_SIZE),
            "can_create": role_of(request.user) in ORGANISING_ROLES,
        },
    )


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    role = _organiser_role(request)
    form = forms.EventForm(request.POST or None, admin=role in ADMINS)
    if request.method == "POST" and form.is_valid():
        event = save(form, lambda d: services.event_create(actor=request.user, data=d))
        if event is not None:
            messages.success(request, _("活动已登记"))
            return redirect("market:event_detail", pk=event.pk)
    return form_page(request, form, _("登记对接活动"))


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.event_list(user=request.user), pk=pk)
    return render(
        request,
        "market/activities/event_detail.html",
        {
            "event": event,
            "participants": selectors.event_participants(user=request.user, event=event),
            "outcomes": selectors.event_outcomes(user=request.user, event=event),
            "can_edit": selectors.may_change(user=request.user, obj=event),
            "participant_form": forms.ParticipantForm(),
            "outcome_form": forms.OutcomeForm(),
        },
    )


def _post_form(request: HttpRequest, form: Any, write: Any, to: str, pk: int) -> HttpResponse:
    return act(request, lambda: write(dict(form.cleaned_data)), back=to, form=form, pk=pk)


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.event_list(user=request.user), pk=pk)
    return _post_form(
        request,
        forms.ParticipantForm(request.POST),
        lambda d: services.participant_add(actor=request.user, event=event, data=d),
        "market:event_detail",
        pk,
    )


@login_required
@require_POST
def outcome_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.event_list(user=request.user), pk=pk)
    return _post_form(
        request,
        forms.OutcomeForm(request.POST),
        lambda d: services.outcome_add(actor=request.user, event=event, data=d),
        "market:event_detail",
        pk,
    )


# --- brokers and training --------------------------------------------------------------------


@login_required
def broker_list(request: HttpRequest) -> HttpResponse:
    fs = BrokerFilter(request.GET or None, queryset=selectors.broker_list(user=request.user))
    page = paginate(request, fs.qs, PAGE_SIZE)
    editable = set(
        fs.qs.filter(
            scoping.editable_q(Broker, request.user), pk__in=[b.pk for b in page]
        ).values_list("pk", flat=True)
    )
    return render(
        request,
        "market/activities/broker_list.html",
        {
            "filter": fs,
            "page": page,
            "editable": editable,
            "can_create": role_of(request.user) in BROKER_ROLES,
        },
    )


@login_required
def broker_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    role = role_of(user)
    own = role in (Role.SERVICE, Role.INSTITUTION)
    if role not in BROKER_ROLES or (own and user.organization_id is None):
        raise PermissionDenied
    form = forms.BrokerForm(request.POST or None, own=own)
    if (
        request.method == "POST"
        and form.is_valid()
        and save(form, lambda d: services.broker_create(actor=user, data=d)) is not None
    ):
        messages.success(request, _("技术经纪人已登记"))
        return redirect("market:broker_list")
    return form_page(request, form, _("登记技术经纪人"))


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1949 <= year <= 2100 else timezone.localdate().year


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    fs = TrainingFilter(request.GET or None, queryset=selectors.training_list(user=user))
    year = _year(request)
    grain = request.GET.get("grain") if request.GET.get("grain") in counts.GRAINS else "half"
    kind = request.GET.get("kind") if request.GET.get("kind") in TrainingSession.Kind else None
    table = counts.training_counts(
        user=user, periods=counts.periods_of(year, str(grain)), kind=kind
    )
    return render(
        request,
        "market/activities/training_list.html",
        {
            "filter": fs,
            "page": paginate(request, fs.qs, PAGE_SIZE),
            "counts": table,
            "year": year,
            "grain": grain,
            "years": range(dt.date.today().year, dt.date.today().year - 6, -1),
            "can_create": role_of(user) in ORGANISING_ROLES,
        },
    )


@login_required
def training_create(request: HttpRequest) -> HttpResponse:
    role = _organiser_role(request)
    form = forms.TrainingForm(request.POST or None, admin=role in ADMINS)
    if request.method == "POST" and form.is_valid():
        session = save(form, lambda d: services.training_create(actor=request.user, data=d))
        if session is not None:
            return redirect("market:training_detail", pk=session.pk)
    return form_page(request, form, _("登记培训班"))


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.training_list(user=request.user), pk=pk)
    return render(
        request,
        "market/activities/training_detail.html",
        {
            "session": session,
            "attendees": selectors.training_attendees(user=request.user, session=session),
            "can_edit": selectors.may_change(user=request.user, obj=session),
            "form": forms.AttendanceForm(brokers=selectors.broker_list(user=request.user)),
        },
    )


@login_required
@require_POST
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.training_list(user=request.user), pk=pk)
    form = forms.AttendanceForm(request.POST, brokers=selectors.broker_list(user=request.user))
    return _post_form(
        request,
        form,
        lambda d: services.attendance_add(actor=request.user, session=session, data=d),
        "market:training_detail",
        pk,
    )


def _kept(request: HttpRequest, qs: Any, pk: int) -> Any:
    obj = get_object_or_404(qs, pk=pk)
    if not selectors.may_change(user=request.user, obj=obj):
        raise PermissionDenied
    return obj


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _kept(request, selectors.event_list(user=request.user), pk)
    form = forms.EventEditForm(request.POST or None, instance=obj)
    return edit_page(
        request,
        form,
        lambda d: services.event_update(actor=request.user, event=obj, data=d),
        _("修改对接活动"),
        ("market:event_detail", obj.pk),
    )


@login_required
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _kept(request, selectors.training_list(user=request.user), pk)
    form = forms.TrainingEditForm(request.POST or None, instance=obj)
    return edit_page(
        request,
        form,
        lambda d: services.training_update(actor=request.user, session=obj, data=d),
        _("修改培训班"),
        ("market:training_detail", obj.pk),
    )


@login_required
def broker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _kept(request, selectors.broker_list(user=request.user), pk)
    form = forms.BrokerEditForm(request.POST or None, instance=obj)
    return edit_page(
        request,
        form,
        lambda d: services.broker_update(actor=request.user, broker=obj, data=d),
        _("修改技术经纪人"),
        ("market:broker_list", None),
    )
