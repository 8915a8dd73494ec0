"""The notice steps of the applications and the objections workflow."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.programs.notices.models import Objection
from kechuang.programs.notices.workflow import OBJECTIONS
from kechuang.programs.techsme.workflow import TECH_SME
from tests.factories import (
    NoticeEntryFactory,
    ObjectionFactory,
)

pytestmark = pytest.mark.django_db


def names(workflow, user, obj) -> list[str]:
    return [t.name for t in workflow.available(user, obj)]


def last_kind(app) -> str:
    return app.events.order_by("at", "id").last().kind


def test_the_exclusion_follows_only_an_upheld_objection(province_admin):
    entry = NoticeEntryFactory()
    app = entry.tech_sme
    assert "exclude" not in names(TECH_SME, province_admin, app)
    with pytest.raises(ValidationError):
        TECH_SME.perform("exclude", actor=province_admin, obj=app)
    ObjectionFactory(entry=entry, decision=Objection.Decision.UPHELD)
    assert "exclude" in names(TECH_SME, province_admin, app)


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
