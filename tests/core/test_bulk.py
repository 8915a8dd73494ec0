"""The batch form: one decision on the ticked rows of a list, each row on its own."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import Http404
from django.test import RequestFactory

from kechuang.core.http import bulk_context, bulk_view
from kechuang.programs.models import TechSMEApplication
from tests.core.test_workflow import FLOW, S
from tests.factories import TechSMEApplicationFactory

NAMES = ("pass", "reject")


def _post(user, data, rows=None):
    request = RequestFactory().post("/bulk", data)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    view = bulk_view(
        FLOW,
        rows=rows or (lambda r: TechSMEApplication.objects.all()),
        names=NAMES,
        back="/list",
    )
    response = view(request)
    return response, [str(m) for m in get_messages(request)]


@pytest.fixture
def apps(enterprise):
    good = TechSMEApplicationFactory(enterprise=enterprise)
    bad = TechSMEApplicationFactory(enterprise=enterprise, year=2022, verdict="fail")
    return good, bad


def test_each_ticked_row_is_decided_on_its_own(apps, province_admin):
    good, bad = apps
    response, said = _post(province_admin, {"action": "pass", "ids": [good.pk, bad.pk]})
    assert response.status_code == 302 and response["Location"] == "/list"
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (S.PASSED_REVIEW, S.SUBMITTED)
    assert said[0] == "已通过 1 项"
    assert "自评未通过" in said[1]


def test_rows_outside_the_users_list_are_not_found(apps, province_admin):
    good, bad = apps
    only_good = lambda r: TechSMEApplication.objects.filter(pk=good.pk)  # noqa: E731
    _, said = _post(province_admin, {"action": "pass", "ids": [good.pk, bad.pk]}, only_good)
    assert said == ["已通过 1 项", "1 项不在您可处理的范围内或已不存在"]


def test_a_required_reason_is_asked_once_and_nothing_changes(apps, province_admin):
    good, _bad = apps
    _, said = _post(province_admin, {"action": "reject", "ids": [good.pk]})
    assert said == ["请填写理由"]
    good.refresh_from_db()
    assert good.status == S.SUBMITTED
    _, said = _post(province_admin, {"action": "reject", "ids": [good.pk], "reason": "材料不全"})
    good.refresh_from_db()
    assert good.status == S.REJECTED and said == ["已不通过 1 项"]


def test_no_permission_is_a_refusal_per_row_not_a_change(apps, enterprise_user):
    good, _bad = apps
    _, said = _post(enterprise_user, {"action": "pass", "ids": [good.pk]})
    good.refresh_from_db()
    assert good.status == S.SUBMITTED
    assert len(said) == 1 and "无权" in said[0]


def test_unknown_actions_and_empty_ticks(apps, province_admin):
    with pytest.raises(Http404):
        _post(province_admin, {"action": "withdraw", "ids": [apps[0].pk]})
    _, said = _post(province_admin, {"action": "pass", "ids": ["x"]})
    assert said == ["请先勾选要处理的记录"]


def test_back_to_the_same_filtered_page_but_never_off_site(apps, province_admin):
    good, _bad = apps
    data = {"action": "pass", "ids": [good.pk], "next": "/list?city=1"}
    response, _ = _post(province_admin, data)
    assert response["Location"] == "/list?city=1"
    response, _ = _post(province_admin, {"action": "pass", "ids": [], "next": "https://evil/x"})
    assert response["Location"] == "/list"


def test_the_buttons_are_the_actions_open_on_the_page(apps, province_admin, enterprise_user):
    good, bad = apps
    ctx = bulk_context(FLOW, province_admin, [good, bad], NAMES, "/bulk")
    assert [a["name"] for a in ctx["actions"]] == ["pass", "reject"]
    assert ctx["reason_needed"] is True
    only_bad = bulk_context(FLOW, province_admin, [bad], NAMES, "/bulk")
    assert [a["name"] for a in only_bad["actions"]] == ["reject"]
    assert bulk_context(FLOW, enterprise_user, [good], NAMES, "/bulk")["actions"] == []
