"""The matching operations against their own OpenAPI description: whatever the input, no server
error, and every answer is one the document declares, in the declared shape."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
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
from tests.factories import AchievementFactory, TechDemandFactory, UserFactory
from tests.role_matrix_world import build_world

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    operation_id=["market_matching_demand_matches", "market_matching_achievement_matches"]
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_keeps_the_test_connection():
    # As Django's test client does: a request must not close the connection that holds the
    # test's transaction (PostgreSQL would lose it).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def basic_auth(db, settings, wsgi_keeps_the_test_connection) -> str:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_world()
    # Records that match each other, so that answers carry reasons, not only empty lists.
    for n in range(1, 6):
        AchievementFactory(title=f"硅碳负极{n}", abstract="体积膨胀", field_id="05")
        TechDemandFactory(title=f"负极需求{n}", problem="硅碳负极", field_id="05")
    user = UserFactory(username="contract-province", role="province_admin")
    return "Bearer " + apikeys.issue(actor=user, name="contract", access="write")[1]


@pytest.mark.slow
@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_matching_keeps_its_contract(case, basic_auth):
    case.call_and_validate(headers={"Authorization": basic_auth}, checks=CHECKS)
