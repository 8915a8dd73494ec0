"""The Django admin: every registered model opens, and its writes land in the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.forms import CheckboxInput, MultiWidget, NullBooleanSelect
from django.test import Client
from django.urls import reverse

from kechuang.core.models import AuditEntry, User
from kechuang.core.roles import Role
from kechuang.registry.models import (
    Award,
    BankBranch,
    DataConsent,
    Enterprise,
    EnterpriseYear,
    Incident,
    ListEntry,
    Person,
    PlatformInvestment,
    PlatformMember,
    StandardLed,
)
from tests.factories import (
    BankFactory,
    EnterpriseFactory,
    EnterpriseYearFactory,
    InstitutionFactory,
    PlatformFactory,
    ServiceInstitutionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def one_of_each():
    firm = EnterpriseFactory()
    EnterpriseYearFactory(enterprise=firm)
    bank = BankFactory()
    BankBranch.objects.create(bank=bank, name="网点", city_id="210100")
    DataConsent.objects.create(
        enterprise=firm, bank=bank, granted_on=dt.date(2024, 1, 1), expires_on=dt.date(2030, 1, 1)
    )
    Award.objects.create(enterprise=firm, name="奖", level="provincial", year=2022)
    StandardLed.objects.create(
        enterprise=firm, code="GB/T 1", title="标准", level="national", year=2021
    )
    ListEntry.objects.create(enterprise=firm, kind="abnormal", listed_on=dt.date(2022, 1, 1))
    Incident.objects.create(enterprise=firm, kind="safety", occurred_on=dt.date(2022, 1, 1))
    institution = InstitutionFactory()
    ServiceInstitutionFactory()
    platform = PlatformFactory(host_institution=institution)
    person = Person.objects.create(name="张三", title="cas", institution=institution)
    PlatformMember.objects.create(platform=platform, person=person)
    PlatformInvestment.objects.create(
        platform=platform, invested_on=dt.date(2023, 1, 1), amount=Decimal("10.00")
    )
    return firm


def _admin_url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_registered_model_lists_and_opens(superuser_client, one_of_each):
    for model in admin.site._registry:
        response = superuser_client.get(_admin_url(model, "changelist"))
        assert response.status_code == 200, model
        obj = model._default_manager.first()
        if obj is not None:
            response = superuser_client.get(_admin_url(model, "change", obj.pk))
            assert response.status_code == 200, model
        response = superuser_client.get(_admin_url(model, "changelist"), {"q": "测试"})
        assert response.status_code == 200, model


def form_data(response) -> dict[str, Any]:
    """What the browser would send back for the change form as rendered, inlines included."""
    data: dict[str, Any] = {}

    def add(form) -> None:
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            widget = bound.field.widget
            if value is None:
                continue
            if isinstance(widget, NullBooleanSelect):
                data[bound.html_name] = {True: "true", False: "false"}.get(value, "unknown")
            elif isinstance(widget, MultiWidget):
                for i, part in enumerate(widget.decompress(value)):
                    data[f"{bound.html_name}_{i}"] = part
            elif isinstance(widget, CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list):
                data[bound.html_name] = [getattr(v, "pk", v) for v in value]
            else:
                data[bound.html_name] = getattr(value, "pk", value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            add(form)
    return data


def entries(model: type[models.Model], obj_id: Any) -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(model)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(obj_id)))


def test_admin_change_with_inline_year_is_audited(superuser_client, one_of_each):
    firm = one_of_each
    url = _admin_url(Enterprise, "change", firm.pk)
    data = form_data(superuser_client.get(url))
    data["phone"] = "024-12345"
    year = EnterpriseYear.objects.get(enterprise=firm)
    prefix = "years"
    data[f"{prefix}-0-staff"] = 120
    data[f"{prefix}-TOTAL_FORMS"] = 2
    data[f"{prefix}-1-year"] = 2023
    data[f"{prefix}-1-enterprise"] = firm.pk
    data[f"{prefix}-1-staff"] = 7
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    (change,) = entries(Enterprise, firm.pk)
    assert (change.action, change.source) == ("update", "admin")
    assert change.changes == {"phone": ["", "024-12345"]}
    (year_change,) = entries(EnterpriseYear, year.pk)
    assert year_change.changes == {"staff": [100, 120]}
    new_year = EnterpriseYear.objects.get(enterprise=firm, year=2023)
    (created,) = entries(EnterpriseYear, new_year.pk)
    assert created.action == "create" and created.changes["staff"] == [None, 7]


def test_admin_save_without_change_writes_nothing(superuser_client, one_of_each):
    url = _admin_url(Enterprise, "change", one_of_each.pk)
    response = superuser_client.post(url, form_data(superuser_client.get(url)))
    assert response.status_code == 302
    assert not AuditEntry.objects.exists()


def test_admin_delete_is_audited(superuser_client, one_of_each):
    branch = BankBranch.objects.get()
    url = _admin_url(BankBranch, "delete", branch.pk)
    assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    (entry,) = entries(BankBranch, branch.pk)
    assert entry.action == "delete"
    assert entry.changes["name"] == ["网点", None]


def test_admin_bulk_delete_is_audited_per_row(superuser_client, one_of_each):
    awards = [
        one_of_each.awards.get(),
        Award.objects.create(enterprise=one_of_each, name="奖2", level="national", year=2023),
    ]
    response = superuser_client.post(
        _admin_url(Award, "changelist"),
        {"action": "delete_selected", "_selected_action": [a.pk for a in awards], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Award.objects.exists()
    assert sorted(e.object_id for e in AuditEntry.objects.filter(action="delete")) == sorted(
        str(a.pk) for a in awards
    )


def test_user_changes_are_audited_without_the_password(superuser_client):
    user = UserFactory(username="someone", role=Role.EXPERT)
    url = _admin_url(User, "change", user.pk)
    data = form_data(superuser_client.get(url))
    data.update(role=Role.CITY_ADMIN, city="210100")
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    (entry,) = entries(User, user.pk)
    assert entry.changes["role"] == ["expert", "city_admin"]
    assert "password" not in entry.changes and "last_login" not in entry.changes


def test_audit_trail_is_read_only(superuser_client, one_of_each):
    superuser_client.post(
        _admin_url(BankBranch, "delete", BankBranch.objects.get().pk), {"post": "yes"}
    )
    entry = AuditEntry.objects.get()
    assert superuser_client.get(_admin_url(AuditEntry, "add")).status_code == 403
    assert superuser_client.get(_admin_url(AuditEntry, "delete", entry.pk)).status_code == 403
    assert superuser_client.get(_admin_url(AuditEntry, "change", entry.pk)).status_code == 200
    response = superuser_client.post(_admin_url(AuditEntry, "change", entry.pk), {"source": "x"})
    assert response.status_code == 403
    assert AuditEntry.objects.get().source == "admin"


@pytest.mark.parametrize("role", list(Role))
def test_role_users_without_staff_flag_are_kept_out(role, one_of_each):
    client = Client()
    client.force_login(UserFactory(role=role, city_id="210100", zone_id=1))
    response = client.get(_admin_url(Enterprise, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
