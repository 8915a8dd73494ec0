from __future__ import annotations

import pytest

from kechuang.core.roles import Role
from tests.factories import (
    BankFactory,
    EnterpriseFactory,
    InstitutionFactory,
    ServiceInstitutionFactory,
    UserFactory,
)


@pytest.fixture
def province_admin(db):
    return UserFactory(username="province", role=Role.PROVINCE_ADMIN)


@pytest.fixture
def city_admin(db):
    return UserFactory(username="shenyang", role=Role.CITY_ADMIN, city_id="210100")


@pytest.fixture
def dalian_admin(db):
    return UserFactory(username="dalian", role=Role.CITY_ADMIN, city_id="210200")


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory()


@pytest.fixture
def enterprise_user(enterprise):
    return UserFactory(username="firm", role=Role.ENTERPRISE, organization_id=enterprise.pk)


@pytest.fixture
def institution(db):
    return InstitutionFactory()


@pytest.fixture
def service_institution(db):
    return ServiceInstitutionFactory()


@pytest.fixture
def bank(db):
    return BankFactory()
