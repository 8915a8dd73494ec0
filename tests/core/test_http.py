"""The page helpers every app shares: a service's refusal lands on the form, and an action
reports its outcome as messages."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from kechuang.core.http import act, save, to_form


class NameForm(forms.Form):
    name = forms.CharField()


def _valid(name: str = "甲") -> NameForm:
    form = NameForm({"name": name})
    assert form.is_valid()
    return form


def test_save_returns_what_the_service_returns():
    form = _valid("乙")
    assert save(form, lambda data: data["name"] * 2) == "乙乙"
    assert form.errors == {}


def test_a_refusal_by_field_lands_on_that_field_and_unknown_fields_on_the_form():
    form = _valid()

    def refuse(data):
        raise ValidationError({"name": "名称已被使用", "owner": "无权限"})

    assert save(form, refuse) is None
    assert form.errors["name"] == ["名称已被使用"]
    assert form.non_field_errors() == ["无权限"]


def test_a_plain_refusal_is_an_error_of_the_whole_form():
    form = _valid()
    to_form(form, ValidationError("状态不允许修改"))
    assert form.non_field_errors() == ["状态不允许修改"]


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_act_without_a_done_message_reports_only_a_refusal():
    request = _request()
    response = act(request, lambda: None, back="/next/")
    assert response.status_code == 302 and response.url == "/next/"
    assert list(get_messages(request)) == []

    def refuse():
        raise ValidationError("已撤回")

    act(request, refuse, done="已保存", back="/next/")
    assert [str(m) for m in get_messages(request)] == ["已撤回"]


def test_act_with_a_done_message_reports_success():
    request = _request()
    act(request, lambda: None, done="已保存", back="/next/")
    assert [str(m) for m in get_messages(request)] == ["已保存"]
