"""Who sees and changes what (core.scoping), checked against rows built for each case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kechuang.core import scoping
from kechuang.core.models import HighTechZone
from kechuang.core.roles import Role
from kechuang.registry import selectors, services
from kechuang.registry.models import (
    Award,
    DataConsent,
    Enterprise,
    EnterpriseYear,
    Institution,
    Person,
    Platform,
)
from tests.factories import (
    BankFactory,
    EnterpriseFactory,
    EnterpriseYearFactory,
    InstitutionFactory,
    PlatformFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def zone():
    return HighTechZone.objects.get(name="沈阳高新技术产业开发区")


@pytest.fixture
def firms(zone):
    return {
        "sy": EnterpriseFactory(name="沈阳一", county="210102"),
        "sy_zone": EnterpriseFactory(name="沈阳高新区企业", county="210112", zone=zone),
        "dl": EnterpriseFactory(name="大连一", county="210202"),
    }


def visible_names(model, user) -> set[str]:
    return {str(o) for o in scoping.visible(model.objects.all(), user)}


def user(role: str, **kw):
    return UserFactory(role=role, **kw)


def test_province_and_superuser_see_everything(firms):
    assert visible_names(Enterprise, user(Role.PROVINCE_ADMIN)) == {str(f) for f in firms.values()}
    root = UserFactory(role="", is_superuser=True)
    assert scoping.role_of(root) == Role.PROVINCE_ADMIN
    assert len(visible_names(Enterprise, root)) == 3


def test_city_admin_sees_its_city_zone_admin_its_zone(firms, zone):
    assert visible_names(Enterprise, user(Role.CITY_ADMIN, city_id="210100")) == {
        "沈阳一",
        "沈阳高新区企业",
    }
    assert visible_names(Enterprise, user(Role.ZONE_ADMIN, zone=zone)) == {"沈阳高新区企业"}


def test_enterprise_user_sees_its_own_only(firms):
    me = user(Role.ENTERPRISE, organization_id=firms["dl"].pk)
    assert visible_names(Enterprise, me) == {"大连一"}
    lost = user(Role.ENTERPRISE, organization_id=None)
    assert visible_names(Enterprise, lost) == set()


@pytest.mark.parametrize(
    ("granted", "expires", "revoked", "seen"),
    [
        (TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1), False, True),
        (TODAY, TODAY, False, True),  # both ends of the period count
        (TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=1), False, False),  # expired
        (TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=30), False, False),  # not yet
        (TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1), True, False),  # revoked
    ],
)
def test_bank_sees_enterprises_whose_consent_is_in_force(firms, granted, expires, revoked, seen):
    bank = BankFactory()
    other_bank = BankFactory()
    DataConsent.objects.create(
        enterprise=firms["dl"],
        bank=bank,
        granted_on=granted,
        expires_on=expires,
        revoked_at=timezone.now() if revoked else None,
    )
    DataConsent.objects.create(
        enterprise=firms["sy"], bank=other_bank, granted_on=TODAY, expires_on=TODAY
    )
    banker = user(Role.BANK, organization_id=bank.pk)
    assert visible_names(Enterprise, banker) == ({"大连一"} if seen else set())
    year = EnterpriseYearFactory(enterprise=firms["dl"])
    assert scoping.can_view(banker, year) is seen
    assert not scoping.can_edit(banker, firms["dl"])


def test_several_consents_do_not_repeat_a_row(firms):
    bank = BankFactory()
    for scope in ("registry", "innovation_points"):
        DataConsent.objects.create(
            enterprise=firms["dl"], bank=bank, scope=scope, granted_on=TODAY, expires_on=TODAY
        )
    banker = user(Role.BANK, organization_id=bank.pk)
    assert selectors.enterprise_list(user=banker).count() == 1


@pytest.mark.parametrize("role", [Role.EXPERT, Role.INSTITUTION, Role.SERVICE, ""])
def test_roles_without_a_tie_to_enterprises_see_none(firms, role):
    assert visible_names(Enterprise, user(role, organization_id=firms["sy"].pk)) == set()
    assert visible_names(Enterprise, AnonymousUser()) == set()


def test_yearly_data_and_facts_follow_their_enterprise(firms):
    EnterpriseYearFactory(enterprise=firms["sy"])
    EnterpriseYearFactory(enterprise=firms["dl"])
    city = user(Role.CITY_ADMIN, city_id="210200")
    assert {y.enterprise_id for y in scoping.visible(EnterpriseYear.objects.all(), city)} == {
        firms["dl"].pk
    }
    award = Award.objects.create(enterprise=firms["sy"], name="奖", level="provincial", year=2022)
    owner = user(Role.ENTERPRISE, organization_id=firms["sy"].pk)
    assert scoping.can_view(owner, award)
    # Facts are recorded by the authorities; their subject may read but not change them.
    assert not scoping.can_edit(owner, award)
    assert scoping.can_edit(owner, firms["sy"])


def test_public_rows_are_readable_by_anyone():
    institution = InstitutionFactory()
    open_lab = PlatformFactory(name="运行实验室")
    PlatformFactory(name="撤销实验室", status=Platform.Status.REVOKED)
    Person.objects.create(name="院士", title="cas")
    Person.objects.create(name="职员")
    anonymous = AnonymousUser()
    assert visible_names(Institution, anonymous) == {str(institution)}
    assert visible_names(Platform, anonymous) == {str(open_lab)}
    assert visible_names(Person, anonymous) == {"院士"}
    assert visible_names(Platform, user(Role.PROVINCE_ADMIN)) == {"运行实验室", "撤销实验室"}
    assert not scoping.can_edit(anonymous, open_lab)


def test_host_institution_sees_and_edits_its_revoked_platform():
    institution = InstitutionFactory()
    lab = PlatformFactory(
        status=Platform.Status.REVOKED, host_institution=institution, city_id="210200"
    )
    host = user(Role.INSTITUTION, organization_id=institution.pk)
    assert scoping.can_view(host, lab) and scoping.can_edit(host, lab)
    assert not scoping.can_edit(user(Role.CITY_ADMIN, city_id="210100"), lab)


def test_edit_rights(firms, zone):
    city = user(Role.CITY_ADMIN, city_id="210100")
    assert scoping.can_edit(city, firms["sy"]) and not scoping.can_edit(city, firms["dl"])
    # A zone bureau reads its zone's records but the city registers them.
    assert not scoping.can_edit(user(Role.ZONE_ADMIN, zone=zone), firms["sy_zone"])
    assert not scoping.can_edit(user(Role.EXPERT), firms["sy"])
    assert scoping.can_create(city, Enterprise, city_id="210100")
    assert not scoping.can_create(city, Enterprise, city_id="210200")
    assert not scoping.can_create(user(Role.ENTERPRISE), Enterprise)


def test_services_refuse_what_scoping_refuses(firms):
    city = user(Role.CITY_ADMIN, city_id="210100")
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=city, enterprise=firms["dl"], data={"phone": "1"})
    with pytest.raises(PermissionDenied):  # nor move its own record to another city
        services.enterprise_update(
            actor=city, enterprise=firms["sy"], data={"city_id": "210200", "region_id": "210202"}
        )
    with pytest.raises(PermissionDenied):
        services.organization_delete(actor=city, obj=firms["sy"])
    assert Enterprise.objects.get(pk=firms["dl"].pk).phone == ""


def test_a_page_of_rows_is_decided_editable_in_one_query(firms, django_assert_num_queries):
    from django.utils.functional import SimpleLazyObject

    city = user(Role.CITY_ADMIN, city_id="210100")
    rows = list(firms.values())
    one_by_one = {f.pk: scoping.can_edit(city, f) for f in rows}
    assert one_by_one == {firms["sy"].pk: True, firms["sy_zone"].pk: True, firms["dl"].pk: False}
    lazy = SimpleLazyObject(lambda: city)  # as request.user is
    with django_assert_num_queries(1):
        scoping.prefetch_editable(lazy, rows)
    with django_assert_num_queries(0):
        assert {f.pk: scoping.can_edit(lazy, f) for f in rows} == one_by_one
