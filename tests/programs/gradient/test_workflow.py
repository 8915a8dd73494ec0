"""The gradient workflow: the city recommends, experts score, the province files."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core.roles import Role
from kechuang.programs.gradient.workflow import GRADIENT
from tests.factories import (
    ExpertReviewFactory,
    GradientApplicationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def names(workflow, user, obj) -> list[str]:
    return [t.name for t in workflow.available(user, obj)]


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
