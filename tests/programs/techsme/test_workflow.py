"""The tech-SME workflow: who may take which step, in which state, with which reasons."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.programs.common import ApplicationEvent
from kechuang.programs.techsme.workflow import TECH_SME
from tests.factories import (
    AdmissionFactory,
    TechSMEApplicationFactory,
)

pytestmark = pytest.mark.django_db


def names(workflow, user, obj) -> list[str]:
    return [t.name for t in workflow.available(user, obj)]


@pytest.mark.parametrize(
    ("status", "firm_may", "province_may"),
    [
        ("draft", ["assess", "submit"], []),
        ("returned", ["assess", "submit"], []),
        ("submitted", [], ["pass", "return", "reject"]),
        ("passed_review", [], ["publish"]),
        ("in_notice", [], ["admit"]),
        ("admitted", [], ["spot_check_passed", "spot_check_failed", "revoke"]),
        ("rejected", [], []),
        ("revoked", [], []),
    ],
)
def test_each_state_opens_its_steps_to_the_enterprise_or_the_province(
    enterprise,
    enterprise_user,
    province_admin,
    city_admin,
    other_firm,
    status,
    firm_may,
    province_may,
):
    app = TechSMEApplicationFactory(enterprise=enterprise, status=status)
    assert names(TECH_SME, enterprise_user, app) == firm_may
    assert names(TECH_SME, province_admin, app) == province_may
    # City bureaus see their city's applications but do not decide; other firms do nothing.
    assert names(TECH_SME, city_admin, app) == names(TECH_SME, other_firm[1], app) == []


def test_a_failing_draft_may_be_assessed_again_but_not_submitted(enterprise, enterprise_user):
    app = TechSMEApplicationFactory(enterprise=enterprise, status="draft", verdict="fail")
    assert names(TECH_SME, enterprise_user, app) == ["assess"]


@pytest.mark.parametrize("name", ["return", "reject"])
def test_returning_or_rejecting_needs_reasons_and_leaves_them_on_the_timeline(
    enterprise, province_admin, name
):
    app = TechSMEApplicationFactory(enterprise=enterprise)
    with pytest.raises(ValidationError) as exc:
        TECH_SME.perform(name, actor=province_admin, obj=app, reason=" ")
    assert "reason" in exc.value.error_dict
    TECH_SME.perform(name, actor=province_admin, obj=app, reason="补充知识产权证明")
    event = app.events.get()
    assert (event.kind, event.reason, event.actor) == (
        {"return": "returned", "reject": "rejected"}[name],
        "补充知识产权证明",
        province_admin,
    )


def test_the_review_is_the_provinces_and_only_of_a_submitted_form(
    enterprise, province_admin, city_admin, enterprise_user
):
    app = TechSMEApplicationFactory(enterprise=enterprise, status="draft")
    for user in (city_admin, enterprise_user):
        with pytest.raises(PermissionDenied):
            TECH_SME.perform("pass", actor=user, obj=app)
    with pytest.raises(ValidationError) as exc:
        TECH_SME.perform("pass", actor=province_admin, obj=app)
    assert exc.value.code == "bad_status"
    assert not ApplicationEvent.objects.exists()


def test_an_admission_in_force_is_managed_through_its_application(province_admin, city_admin):
    admission = AdmissionFactory()
    app = admission.application
    assert names(TECH_SME, city_admin, app) == []
    assert "revoke" in names(TECH_SME, province_admin, app)
    app.status = "revoked"
    assert names(TECH_SME, province_admin, app) == []
