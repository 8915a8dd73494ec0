"""Every write through a service leaves one audit entry, in the same transaction."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from kechuang.core import audit
from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role
from kechuang.core.services import object_create, object_delete, object_update
from kechuang.registry import selectors, services
from kechuang.registry.models import Enterprise, EnterpriseYear
from tests.factories import EnterpriseFactory, PlatformFactory, UserFactory, make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def province():
    return UserFactory(role=Role.PROVINCE_ADMIN)


def _data(**extra):
    return {
        "uscc": make_uscc("210102", seq=777001),
        "name": "审计测试有限公司",
        "region_id": "210102",
        "city_id": "210100",
        **extra,
    }


def test_create_records_the_new_values(province):
    firm = services.enterprise_create(actor=province, data=_data(), source="import")
    (entry,) = audit.history(firm)
    assert (entry.action, entry.actor, entry.source) == ("create", province, "import")
    assert entry.object_repr == "审计测试有限公司"
    assert entry.changes["name"] == [None, "审计测试有限公司"]
    assert entry.changes["city"] == [None, "210100"]
    assert "created_at" not in entry.changes


def test_update_records_before_and_after_of_what_changed(province):
    firm = EnterpriseFactory()
    services.enterprise_update(
        actor=province, enterprise=firm, data={"phone": "024-1", "name": firm.name}
    )
    (entry,) = audit.history(firm)
    assert entry.action == "update"
    assert entry.changes == {"phone": ["", "024-1"]}


def test_update_that_changes_nothing_writes_nothing(province):
    firm = EnterpriseFactory()
    services.enterprise_update(actor=province, enterprise=firm, data={"name": firm.name})
    assert not AuditEntry.objects.exists()


def test_money_and_dates_are_stored_as_text(province):
    firm = EnterpriseFactory()
    year = services.enterprise_year_save(
        actor=province,
        enterprise=firm,
        year=2023,
        data={"sales_revenue": Decimal("1234.50"), "high_tech_cert_valid_to": "2025-12-31"},
    )
    (entry,) = audit.history(year)
    assert entry.changes["sales_revenue"] == [None, "1234.50"]
    assert entry.changes["high_tech_cert_valid_to"] == [None, "2025-12-31"]
    services.enterprise_year_save(
        actor=province, enterprise=firm, year=2023, data={"sales_revenue": Decimal("1300")}
    )
    latest = audit.history(year).first()
    assert latest.changes["sales_revenue"] == ["1234.50", "1300.00"]


def test_the_same_amount_written_differently_is_no_change(province):
    firm = EnterpriseFactory()
    save = services.enterprise_year_save
    year = save(actor=province, enterprise=firm, year=2023, data={"rd_expense": Decimal("5.5")})
    year = save(actor=province, enterprise=firm, year=2023, data={"rd_expense": Decimal("5.50")})
    save(actor=province, enterprise=firm, year=2023, data={"rd_expense": "5.5"})
    assert audit.history(year).count() == 1


def test_delete_records_what_was_there(province):
    firm = EnterpriseFactory(phone="024-9")
    pk = firm.pk
    services.organization_delete(actor=province, obj=firm)
    entry = AuditEntry.objects.get(object_id=str(pk))
    assert entry.action == "delete"
    assert entry.changes["phone"] == ["024-9", None]
    assert not Enterprise.objects.filter(pk=pk).exists()


def test_invalid_write_leaves_no_entry(province):
    with pytest.raises(ValidationError):
        services.enterprise_create(actor=province, data=_data(uscc="not-a-code"))
    firm = EnterpriseFactory()
    with pytest.raises(ValidationError):
        services.enterprise_year_save(
            actor=province, enterprise=firm, year=2023, data={"staff": 1, "tech_staff": 2}
        )
    assert not AuditEntry.objects.exists()
    assert not EnterpriseYear.objects.exists()


def test_a_write_failing_after_its_entry_rolls_the_entry_back(province):
    # The delete audits first, then the database refuses: a platform still names the firm.
    firm = EnterpriseFactory()
    PlatformFactory(host_enterprise=firm)
    with pytest.raises(ProtectedError):
        services.organization_delete(actor=province, obj=firm)
    assert not AuditEntry.objects.exists()
    assert Enterprise.objects.filter(pk=firm.pk).exists()


def test_an_outer_rollback_takes_the_entry_with_it(province):
    firm = EnterpriseFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enterprise_update(actor=province, enterprise=firm, data={"phone": "1"})
        assert AuditEntry.objects.count() == 1
        raise RuntimeError("the surrounding business action failed")
    assert not AuditEntry.objects.exists()
    assert Enterprise.objects.get(pk=firm.pk).phone == ""


def test_generic_services_audit_any_model(province):
    obj = object_create(
        actor=province,
        model=EnterpriseYear,
        data={"enterprise": EnterpriseFactory(), "year": 2020, "staff": 5},
    )
    object_update(actor=province, obj=obj, data={"staff": 6})
    object_delete(actor=province, obj=obj)
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]


def test_refused_writes_leave_no_entry():
    firm = EnterpriseFactory(county="210202")
    city = UserFactory(role=Role.CITY_ADMIN, city_id="210100")
    with pytest.raises(Exception, match="not allowed"):
        services.enterprise_update(actor=city, enterprise=firm, data={"phone": "1"})
    with pytest.raises(Exception, match="not allowed"):
        object_update(actor=AnonymousUser(), obj=firm, data={"phone": "1"})
    assert not AuditEntry.objects.exists()


def test_history_is_shown_only_to_those_who_may_see_the_object(province):
    firm = EnterpriseFactory()  # Shenyang
    services.enterprise_update(actor=province, enterprise=firm, data={"phone": "1"})
    allowed = [
        province,
        UserFactory(role=Role.CITY_ADMIN, city_id="210100"),
        UserFactory(role=Role.ENTERPRISE, organization_id=firm.pk),
    ]
    refused = [
        UserFactory(role=Role.CITY_ADMIN, city_id="210200"),
        UserFactory(role=Role.ENTERPRISE, organization_id=firm.pk + 1),
        UserFactory(role=Role.EXPERT),
        AnonymousUser(),
    ]
    for user in allowed:
        assert selectors.object_history(user=user, obj=firm).count() == 1, user
    for user in refused:
        assert selectors.object_history(user=user, obj=firm).count() == 0, user
