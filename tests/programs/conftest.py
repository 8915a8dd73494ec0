"""Fixtures of the program workflows: actors, and applications driven to a given step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role
from kechuang.programs.notices import services
from kechuang.programs.techsme import services as techsme
from tests.factories import PASSING_FIGURES, EnterpriseFactory, UserFactory

D = dt.date
YEAR = 2023
SUBMITTED_ON = D(2023, 9, 28)  # a Thursday before the National Day holiday
NOTICE_START = D(2023, 10, 16)
NOTICE_END = D(2023, 10, 30)  # 10 working days after the 16th
AFTER_NOTICE = D(2023, 10, 31)


def audited(obj: Any, action: str = "update") -> int:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        action=action,
    ).count()


def kinds(application: Any) -> list[str]:
    return list(application.events.order_by("at", "id").values_list("kind", flat=True))


@pytest.fixture
def expert(db):
    return UserFactory(username="expert", role=Role.EXPERT)


@pytest.fixture
def bank_user(bank):
    return UserFactory(username="banker", role=Role.BANK, organization_id=bank.pk)


@pytest.fixture
def other_firm(db):
    firm = EnterpriseFactory()
    user = UserFactory(username="other-firm", role=Role.ENTERPRISE, organization_id=firm.pk)
    return firm, user


@pytest.fixture
def registered(enterprise, enterprise_user):
    return techsme.registration_create(
        actor=enterprise_user, enterprise=enterprise, on=D(2023, 3, 1)
    )


def assess(user: Any, enterprise: Any, year: int = YEAR, **over: Any) -> Any:
    return techsme.self_assess(
        actor=user, enterprise=enterprise, year=year, figures={**PASSING_FIGURES, **over}
    )


@pytest.fixture
def draft(registered, enterprise, enterprise_user):
    return assess(enterprise_user, enterprise)


@pytest.fixture
def submitted(draft, enterprise_user):
    return techsme.submit(actor=enterprise_user, application=draft, on=SUBMITTED_ON)


@pytest.fixture
def passed(submitted, province_admin):
    return techsme.review(
        actor=province_admin, application=submitted, decision="pass", on=D(2023, 10, 9)
    )


@pytest.fixture
def in_notice(passed, province_admin):
    services.notice_publish(
        actor=province_admin,
        program="tech-sme",
        year=YEAR,
        applications=[passed],
        starts_on=NOTICE_START,
        on=NOTICE_START,
    )
    passed.refresh_from_db()
    return passed


def full_admission(user: Any, enterprise: Any, province: Any, year: int = YEAR) -> Any:
    """Drive a new application of `enterprise` from self-assessment to admission."""
    app = assess(user, enterprise, year=year)
    start = D(year, 10, 16)
    app = techsme.submit(actor=user, application=app, on=D(year, 9, 1))
    app = techsme.review(actor=province, application=app, decision="pass", on=D(year, 9, 5))
    batch = services.notice_publish(
        actor=province, program="tech-sme", year=year, applications=[app], starts_on=start, on=start
    )
    return techsme.admit(actor=province, application=app, on=batch.ends_on + dt.timedelta(days=1))
