from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from kechuang.core.roles import Role
from tests.factories import (
    BankFactory,
    EnterpriseFactory,
    InstitutionFactory,
    ServiceInstitutionFactory,
    UserFactory,
)

pytest_plugins = ["tests.browser"]  # the `page` fixture of the browser tests


def pytest_configure(config: pytest.Config) -> None:
    """Test settings: a fast password hash (production refuses it, core/checks.py), and the
    password-change and second-factor gates off, since most tests log in with `force_login`;
    the tests of those gates turn them on."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REQUIRE_ADMIN_2FA = False
    settings.FORCE_PASSWORD_CHANGE = False
    # The suite calls the API far faster than any client may: limits are tested on their own.
    settings.API_RATE_USER = settings.API_RATE_ANON = ""


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in English leaves English active
    in the thread, which would otherwise leak into the tests that follow."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
