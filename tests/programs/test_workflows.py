"""The programs' workflows read as the official process: who may take each step, from which
state, with which reasons, and what it leaves on the timeline."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core.roles import Role
from kechuang.programs.common import ApplicationEvent
from kechuang.programs.gradient.workflow import GRADIENT
from kechuang.programs.notices.models import Objection
from kechuang.programs.notices.workflow import OBJECTIONS
from kechuang.programs.techsme.workflow import TECH_SME
from tests.factories import (
    AdmissionFactory,
    ExpertReviewFactory,
    GradientApplicationFactory,
    NoticeEntryFactory,
    ObjectionFactory,
    TechSMEApplicationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def names(workflow, user, obj) -> list[str]:
    return [t.name for t in workflow.available(user, obj)]


def last_kind(app) -> str:
    return app.events.order_by("at", "id").last().kind


# --- tech-SME ----------------------------------------------------------------------------------


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


def test_confirmations_guard_the_irreversible_steps():
    for name in ("submit", "reject", "publish", "admit", "revoke"):
        assert TECH_SME[name].confirm, name
    for name in ("return", "pass"):
        assert not TECH_SME[name].confirm, name
    assert GRADIENT["file"].confirm and GRADIENT["not_recommend"].confirm
    assert OBJECTIONS["uphold"].confirm


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


def test_the_exclusion_follows_only_an_upheld_objection(province_admin):
    entry = NoticeEntryFactory()
    app = entry.tech_sme
    assert "exclude" not in names(TECH_SME, province_admin, app)
    with pytest.raises(ValidationError):
        TECH_SME.perform("exclude", actor=province_admin, obj=app)
    ObjectionFactory(entry=entry, decision=Objection.Decision.UPHELD)
    assert "exclude" in names(TECH_SME, province_admin, app)


def test_an_admission_in_force_is_managed_through_its_application(province_admin, city_admin):
    admission = AdmissionFactory()
    app = admission.application
    assert names(TECH_SME, city_admin, app) == []
    assert "revoke" in names(TECH_SME, province_admin, app)
    app.status = "revoked"
    assert names(TECH_SME, province_admin, app) == []


# --- gradient programs -------------------------------------------------------------------------


def test_the_city_of_the_enterprise_recommends(
    enterprise, city_admin, dalian_admin, province_admin
):
    app = GradientApplicationFactory(enterprise=enterprise)
    assert names(GRADIENT, city_admin, app) == ["recommend", "not_recommend"]
    for user in (dalian_admin, province_admin):
        assert names(GRADIENT, user, app) == []
        with pytest.raises(PermissionDenied):
            GRADIENT.perform("recommend", actor=user, obj=app)
    with pytest.raises(ValidationError) as exc:
        GRADIENT.perform("not_recommend", actor=city_admin, obj=app)
    assert "reason" in exc.value.error_dict


def test_experts_score_only_their_open_reviews(province_admin):
    review = ExpertReviewFactory()
    app, expert = review.application, review.expert
    stranger = UserFactory(role=Role.EXPERT)
    assert names(GRADIENT, expert, app) == ["score"]
    assert names(GRADIENT, stranger, app) == []
    assert names(GRADIENT, province_admin, app) == ["assign"]
    review.reviewed_on = app.applied_on
    review.save()
    assert "score" not in names(GRADIENT, expert, app)


def test_the_experts_majority_decides_once_all_have_scored(province_admin):
    review = ExpertReviewFactory(recommend=True, score=80)
    app, expert = review.application, review.expert
    assert not GRADIENT.may(expert, app, "experts_pass")  # not scored yet
    review.reviewed_on = app.applied_on
    review.save()
    assert GRADIENT.may(expert, app, "experts_pass")
    assert not GRADIENT.may(expert, app, "experts_fail")
    assert not GRADIENT.may(province_admin, app, "experts_pass")


def test_filing_is_the_provinces_after_the_notice(province_admin, city_admin):
    app = GradientApplicationFactory(status="in_notice")
    assert names(GRADIENT, province_admin, app) == ["file"]
    assert names(GRADIENT, city_admin, app) == []


# --- objections --------------------------------------------------------------------------------


def test_the_province_decides_an_objection_once_with_reasons(province_admin, bank_user):
    objection = ObjectionFactory()
    assert names(OBJECTIONS, province_admin, objection) == ["uphold", "dismiss"]
    assert names(OBJECTIONS, bank_user, objection) == []
    with pytest.raises(PermissionDenied):
        OBJECTIONS.perform("dismiss", actor=bank_user, obj=objection, reason="x")
    with pytest.raises(ValidationError):
        OBJECTIONS.perform("dismiss", actor=province_admin, obj=objection)
    OBJECTIONS.perform("dismiss", actor=province_admin, obj=objection, reason="经核实无误")
    objection.refresh_from_db()
    assert objection.decision == "dismissed"
    assert last_kind(objection.entry.tech_sme) == "objection_dismissed"
    assert names(OBJECTIONS, province_admin, objection) == []


def test_the_diagrams_are_drawn_from_the_declarations():
    assert "submitted --> returned: 退回修改" in TECH_SME.mermaid()
    assert "applied --> recommended" in GRADIENT.mermaid()
    assert "pending --> upheld" in OBJECTIONS.mermaid()
