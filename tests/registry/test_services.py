from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core.models import AuditEntry, Region
from kechuang.registry import services
from kechuang.registry.models import Enterprise, EnterpriseYear
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db


def enterprise_data(county: str = "210102", **kw):
    data = {
        "uscc": make_uscc(county, seq=4242),
        "name": "沈阳新松测试有限公司",
        "region": Region.objects.get(code=county),
        "city": Region.objects.get(code=county[:4] + "00"),
        "industry_id": "39",
    }
    return {**data, **kw}


def test_province_creates_enterprise_and_it_is_audited(province_admin):
    e = services.enterprise_create(actor=province_admin, data=enterprise_data())
    entry = AuditEntry.objects.get(object_id=str(e.pk), action="create")
    assert entry.actor == province_admin
    assert entry.changes["name"] == [None, "沈阳新松测试有限公司"]


def test_city_admin_creates_only_in_its_city(city_admin):
    services.enterprise_create(actor=city_admin, data=enterprise_data())
    with pytest.raises(PermissionDenied):
        services.enterprise_create(actor=city_admin, data=enterprise_data("210202"))


def test_bad_uscc_is_refused_and_nothing_written(province_admin):
    data = enterprise_data(uscc="91110000600037341M")
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=province_admin, data=data)
    assert "uscc" in exc.value.message_dict
    assert not Enterprise.objects.exists()
    assert not AuditEntry.objects.exists()


def test_region_must_belong_to_city(province_admin):
    data = enterprise_data(city=Region.objects.get(code="210200"))
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=province_admin, data=data)
    assert "region" in exc.value.message_dict


def test_shenfu_reporting_unit_accepts_counties_of_two_cities(province_admin):
    shenfu = Region.objects.get(code="SHENFU")
    for county in ("210112", "210411"):
        e = services.enterprise_create(
            actor=province_admin,
            data=enterprise_data(county, uscc=make_uscc(county, seq=int(county)), city=shenfu),
        )
        assert e.city_id == "SHENFU"


def test_yearly_figures_are_validated(province_admin, enterprise):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_year_save(
            actor=province_admin,
            enterprise=enterprise,
            year=2022,
            data={"staff": 10, "tech_staff": 11},
        )
    assert "科技人员数不能大于职工总数" in str(exc.value)
    with pytest.raises(ValidationError):
        services.enterprise_year_save(
            actor=province_admin,
            enterprise=enterprise,
            year=2022,
            data={"rd_expense": Decimal("5"), "total_cost": Decimal("4")},
        )
    with pytest.raises(ValidationError):
        services.enterprise_year_save(
            actor=province_admin,
            enterprise=enterprise,
            year=2022,
            data={"sales_revenue": Decimal("-1")},
        )
    assert not EnterpriseYear.objects.exists()


def test_unknown_stays_unknown(province_admin, enterprise):
    y = services.enterprise_year_save(
        actor=province_admin, enterprise=enterprise, year=2022, data={"staff": 12}
    )
    y.refresh_from_db()
    assert y.staff == 12 and y.rd_expense is None and y.led_standard is None


def test_owner_edits_own_figures_but_not_others(enterprise_user, enterprise):
    services.enterprise_year_save(
        actor=enterprise_user, enterprise=enterprise, year=2022, data={"staff": 5}
    )
    other = Enterprise.objects.create(
        uscc=make_uscc("210102", seq=999), name="别家", region_id="210102", city_id="210100"
    )
    with pytest.raises(PermissionDenied):
        services.enterprise_year_save(
            actor=enterprise_user, enterprise=other, year=2022, data={"staff": 5}
        )


def test_second_identical_update_writes_no_audit(province_admin, enterprise):
    services.enterprise_update(actor=province_admin, enterprise=enterprise, data={"name": "新名"})
    n = AuditEntry.objects.count()
    services.enterprise_update(actor=province_admin, enterprise=enterprise, data={"name": "新名"})
    assert AuditEntry.objects.count() == n


def test_only_province_deletes(city_admin, province_admin, enterprise):
    with pytest.raises(PermissionDenied):
        services.organization_delete(actor=city_admin, obj=enterprise)
    pk = enterprise.pk
    services.organization_delete(actor=province_admin, obj=enterprise)
    assert not Enterprise.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(pk)).exists()
