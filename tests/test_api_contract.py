"""Property test of the API against its own OpenAPI document: whatever the input, no server
error, and every answer is one the document declares, in the declared shape."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kechuang.core import apikeys
from tests.factories import UserFactory
from tests.role_matrix_world import build_world

# Every operation of every router.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def keep_test_connection():
    """As Django's test client does: a request must not close the test's connection (on
    PostgreSQL the open test transaction makes the connection look obsolete)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(db, settings) -> str:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_world()
    user = UserFactory(username="contract-province", role="province_admin")
    return "Bearer " + apikeys.issue(actor=user, name="contract", access="write")[1]


@pytest.mark.slow
@schema.parametrize()
# Derandomized: the same examples on every run, so the suite does not flip between runs.
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_keeps_its_contract(case, api_key):
    case.call_and_validate(headers={"Authorization": api_key}, checks=CHECKS)
