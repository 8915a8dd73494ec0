"""雏鹰 / 瞪羚 / 独角兽: apply → city recommendation → expert review → 公示 → filing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core.roles import Role
from kechuang.programs import deadlines
from kechuang.programs.gradient import selectors
from kechuang.programs.gradient import services as gradient
from kechuang.programs.gradient.models import (
    GradientApplication,
    GradientCall,
    GradientCertification,
)
from kechuang.programs.notices.services import notice_publish, objection_raise, objection_resolve
from kechuang.programs.techsme import selectors as techsme_selectors
from tests.factories import (
    EnterpriseFactory,
    EnterpriseYearFactory,
    ExpertReviewFactory,
    GradientApplicationFactory,
    UserFactory,
)
from tests.programs.conftest import D, audited, kinds

pytestmark = pytest.mark.django_db
S = GradientApplication.Status
DEADLINE = D(2023, 6, 30)  # a Friday
RECOMMEND_BY = D(2023, 7, 5)  # 3 working days later


@pytest.fixture
def call(province_admin):
    return gradient.call_create(
        actor=province_admin,
        program="gazelle",
        year=2023,
        opens_on=D(2023, 5, 4),
        deadline=DEADLINE,
    )


@pytest.fixture
def applied(call, enterprise, enterprise_user):
    return gradient.apply(
        actor=enterprise_user,
        call=call,
        enterprise=enterprise,
        statement="营收三年复合增长25%",
        on=D(2023, 6, 1),
    )


@pytest.fixture
def recommended(applied, city_admin):
    return gradient.recommend(
        actor=city_admin, application=applied, recommended=True, on=D(2023, 7, 3)
    )


@pytest.fixture
def under_review(recommended, province_admin, expert):
    gradient.assign_expert(actor=province_admin, application=recommended, expert=expert)
    recommended.refresh_from_db()
    return recommended


@pytest.fixture
def expert_passed(under_review, expert):
    gradient.expert_review(
        actor=expert, application=under_review, score=Decimal("86.5"), recommended=True
    )
    under_review.refresh_from_db()
    return under_review


@pytest.fixture
def in_notice(expert_passed, province_admin):
    batch = notice_publish(
        actor=province_admin,
        program="gazelle",
        year=2023,
        applications=[expert_passed],
        starts_on=D(2023, 8, 1),
        on=D(2023, 8, 1),
    )
    expert_passed.refresh_from_db()
    return expert_passed, batch


# --- calls -------------------------------------------------------------------------------------


def test_call_gives_cities_three_working_days_to_recommend(call):
    assert call.recommend_by == RECOMMEND_BY
    assert audited(call, "create") == 1


def test_recommendation_deadline_skips_holidays(province_admin):
    call = gradient.call_create(
        actor=province_admin,
        program="eaglet",
        year=2023,
        opens_on=D(2023, 9, 1),
        deadline=D(2023, 9, 28),
    )
    # 29 Sep – 6 Oct are days off; the 7th (Saturday) is a make-up working day.
    assert call.recommend_by == D(2023, 10, 9)


@pytest.mark.parametrize("who", ["city_admin", "enterprise_user", "expert"])
def test_only_the_province_opens_calls(request, who):
    with pytest.raises(PermissionDenied):
        gradient.call_create(
            actor=request.getfixturevalue(who),
            program="eaglet",
            year=2023,
            opens_on=D(2023, 5, 1),
            deadline=D(2023, 6, 1),
        )
    assert not GradientCall.objects.exists()


# --- applying ----------------------------------------------------------------------------------


def test_apply_within_the_call(applied):
    assert applied.status == S.APPLIED
    assert (applied.program, applied.year) == ("gazelle", 2023)
    assert kinds(applied) == ["applied"]
    assert audited(applied, "create") == 1


def test_apply_outside_the_call_is_refused(call, enterprise, enterprise_user):
    for day in (D(2023, 5, 3), D(2023, 7, 1)):
        with pytest.raises(ValidationError) as exc:
            gradient.apply(actor=enterprise_user, call=call, enterprise=enterprise, on=day)
        assert exc.value.code == "call_closed"


def test_apply_once_per_program_and_year(applied, call, enterprise, enterprise_user):
    with pytest.raises(ValidationError):
        gradient.apply(actor=enterprise_user, call=call, enterprise=enterprise, on=D(2023, 6, 2))


@pytest.mark.parametrize("who", ["province_admin", "city_admin", "expert"])
def test_only_the_enterprise_applies(request, call, enterprise, who):
    with pytest.raises(PermissionDenied):
        gradient.apply(
            actor=request.getfixturevalue(who), call=call, enterprise=enterprise, on=D(2023, 6, 1)
        )


def test_registry_figures_are_evaluated_on_application(call, enterprise, enterprise_user):
    for year, revenue in [
        (2019, "20000000"),
        (2020, "26000000"),
        (2021, "34000000"),
        (2022, "45000000"),
    ]:
        EnterpriseYearFactory(
            enterprise=enterprise,
            year=year,
            sales_revenue=Decimal(revenue),
            st_activity_expense=Decimal("2000000"),
        )
    app = gradient.apply(actor=enterprise_user, call=call, enterprise=enterprise, on=D(2023, 6, 1))
    assert app.spec_version.startswith("gazelle/2023")
    assert app.verdict in ("pass", "fail")
    assert app.explanation["zh-hans"] and app.explanation["en"]


# --- city recommendation -----------------------------------------------------------------------


def test_city_recommends_within_its_deadline(applied, city_admin):
    deadline = selectors.recommend_deadline(applied, today=D(2023, 7, 3))
    assert deadline is not None and (deadline.due, deadline.remaining) == (RECOMMEND_BY, 2)
    with pytest.raises(ValidationError) as exc:
        gradient.recommend(
            actor=city_admin, application=applied, recommended=True, on=D(2023, 7, 6)
        )
    assert exc.value.code == "recommend_closed"
    app = gradient.recommend(
        actor=city_admin, application=applied, recommended=True, on=RECOMMEND_BY
    )
    assert app.status == S.RECOMMENDED and kinds(app)[-1] == "recommended"
    assert audited(app) == 1


def test_not_recommending_needs_a_reason(applied, city_admin):
    with pytest.raises(ValidationError):
        gradient.recommend(actor=city_admin, application=applied, recommended=False)
    app = gradient.recommend(
        actor=city_admin,
        application=applied,
        recommended=False,
        reason="不符合条件",
        on=D(2023, 7, 3),
    )
    assert app.status == S.NOT_RECOMMENDED


@pytest.mark.parametrize("who", ["dalian_admin", "province_admin", "enterprise_user", "expert"])
def test_only_the_enterprises_city_recommends(request, applied, who):
    with pytest.raises(PermissionDenied):
        gradient.recommend(
            actor=request.getfixturevalue(who),
            application=applied,
            recommended=True,
            on=D(2023, 7, 3),
        )


def test_shenfu_unit_recommends_its_enterprises(call):
    firm = EnterpriseFactory(county="210102", city_id="SHENFU")
    firm_user = UserFactory(role=Role.ENTERPRISE, organization_id=firm.pk)
    app = gradient.apply(actor=firm_user, call=call, enterprise=firm, on=D(2023, 6, 1))
    shenyang = UserFactory(role=Role.CITY_ADMIN, city_id="210100")
    shenfu = UserFactory(role=Role.CITY_ADMIN, city_id="SHENFU")
    with pytest.raises(PermissionDenied):
        gradient.recommend(actor=shenyang, application=app, recommended=True, on=D(2023, 7, 3))
    app = gradient.recommend(actor=shenfu, application=app, recommended=True, on=D(2023, 7, 3))
    assert app.status == S.RECOMMENDED


# --- expert review -----------------------------------------------------------------------------


def test_assigned_expert_scores_and_the_review_concludes(under_review, expert):
    assert under_review.status == S.EXPERT_REVIEW
    review = gradient.expert_review(
        actor=expert,
        application=under_review,
        score=Decimal("86.5"),
        recommended=True,
        comment="成长性突出",
    )
    under_review.refresh_from_db()
    assert under_review.status == S.EXPERT_PASSED
    assert kinds(under_review)[-3:] == ["expert_assigned", "expert_reviewed", "expert_passed"]
    assert under_review.events.last().data["mean_score"] == "86.50"
    assert audited(review) == 1
    # Reviewers are not named on the applicant's timeline.
    assert not under_review.events.filter(actor=expert).exists()


def test_unassigned_experts_and_others_cannot_score(under_review, city_admin, province_admin):
    stranger = UserFactory(role=Role.EXPERT)
    for user in (stranger, city_admin, province_admin):
        with pytest.raises(PermissionDenied):
            gradient.expert_review(
                actor=user, application=under_review, score=Decimal(90), recommended=True
            )


def test_an_expert_scores_once(under_review, expert):
    gradient.expert_review(actor=expert, application=under_review, score=50, recommended=False)
    under_review.refresh_from_db()
    assert under_review.status == S.EXPERT_FAILED
    with pytest.raises(ValidationError):
        gradient.expert_review(actor=expert, application=under_review, score=90, recommended=True)


def test_majority_of_the_configured_reviewers_decides(recommended, province_admin):
    recommended.call.reviewers = 3
    recommended.call.save()
    experts = [UserFactory(role=Role.EXPERT) for _ in range(3)]
    for e in experts:
        gradient.assign_expert(actor=province_admin, application=recommended, expert=e)
    votes = [True, False, True]
    for e, vote in zip(experts[:2], votes[:2], strict=True):
        gradient.expert_review(actor=e, application=recommended, score=70, recommended=vote)
        recommended.refresh_from_db()
        assert recommended.status == S.EXPERT_REVIEW  # not all reviews are in
    gradient.expert_review(actor=experts[2], application=recommended, score=80, recommended=True)
    recommended.refresh_from_db()
    assert recommended.status == S.EXPERT_PASSED


def test_only_expert_users_are_assigned(recommended, province_admin, city_admin, expert):
    with pytest.raises(ValidationError):
        gradient.assign_expert(actor=province_admin, application=recommended, expert=city_admin)
    with pytest.raises(PermissionDenied):
        gradient.assign_expert(actor=city_admin, application=recommended, expert=expert)


def test_experts_see_only_assigned_applications(under_review, expert):
    other = GradientApplicationFactory(status=S.EXPERT_REVIEW)
    ExpertReviewFactory(application=other)
    assert list(selectors.gradient_list(user=expert)) == [under_review]
    assert list(selectors.reviews_of(user=expert, application=under_review)) == [
        under_review.reviews.get()
    ]
    assert not techsme_selectors.application_list(user=expert).exists()


def test_applicant_and_city_do_not_see_the_reviews(under_review, enterprise_user, city_admin):
    assert selectors.gradient_list(user=enterprise_user).get() == under_review
    assert not selectors.reviews_of(user=enterprise_user, application=under_review).exists()
    assert not selectors.reviews_of(user=city_admin, application=under_review).exists()


# --- notice and filing -------------------------------------------------------------------------


def test_filing_gives_three_years_of_status(in_notice, province_admin):
    app, batch = in_notice
    assert batch.ends_on == D(2023, 8, 15)
    with pytest.raises(ValidationError):
        gradient.file(actor=province_admin, application=app, on=batch.ends_on)
    cert = gradient.file(actor=province_admin, application=app, on=D(2023, 8, 16))
    assert (cert.valid_from, cert.valid_to) == (D(2023, 8, 16), D(2026, 8, 15))
    app.refresh_from_db()
    assert app.status == S.FILED and kinds(app)[-1] == "filed"
    assert audited(cert, "create") == 1


def test_three_years_from_a_leap_day():
    assert deadlines.gradient_valid_to(D(2024, 2, 29)) == D(2027, 2, 28)
    assert deadlines.gradient_valid_to(D(2024, 3, 1)) == D(2027, 2, 28)
    assert deadlines.gradient_valid_to(D(2023, 1, 1)) == D(2025, 12, 31)


def test_upheld_objection_blocks_filing(in_notice, province_admin, bank_user):
    app, batch = in_notice
    objection = objection_raise(
        actor=bank_user, entry=app.notice_entry, reason="估值不实", on=batch.starts_on
    )
    objection_resolve(actor=province_admin, objection=objection, upheld=True, note="属实")
    app.refresh_from_db()
    assert app.status == S.REJECTED
    with pytest.raises(ValidationError):
        gradient.file(
            actor=province_admin, application=app, on=batch.ends_on + dt.timedelta(days=1)
        )
    assert not GradientCertification.objects.exists()


@pytest.mark.parametrize("who", ["city_admin", "enterprise_user", "expert"])
def test_only_the_province_files(request, in_notice, who):
    app, batch = in_notice
    with pytest.raises(PermissionDenied):
        gradient.file(
            actor=request.getfixturevalue(who),
            application=app,
            on=batch.ends_on + dt.timedelta(days=1),
        )


def test_the_city_recommends_the_ticked_applications_of_its_queue(
    applied, city_admin, province_admin
):
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    call = gradient.call_create(
        actor=province_admin,
        program="eaglet",
        year=today.year,
        opens_on=today - dt.timedelta(days=30),
        deadline=today,
    )
    firm = EnterpriseFactory(city_id=applied.enterprise.city_id)
    owner = UserFactory(role=Role.ENTERPRISE, organization_id=firm.pk)
    fresh = gradient.apply(actor=owner, call=call, enterprise=firm, statement="成长迅速", on=today)
    c = Client()
    c.force_login(city_admin)
    queue = reverse("programs:recommendation_queue")
    page = c.get(queue).content.decode()
    assert 'id="bulk-form"' in page and f'name="ids" value="{fresh.pk}"' in page
    bulk = reverse("programs:recommendation_bulk")
    said = c.post(bulk, {"action": "recommend", "ids": [fresh.pk, applied.pk]}, follow=True)
    messages = [str(m) for m in said.context["messages"]]
    fresh.refresh_from_db()
    applied.refresh_from_db()
    assert (fresh.status, applied.status) == (S.RECOMMENDED, S.APPLIED)
    assert kinds(fresh)[-1] == "recommended"
    assert messages[0] == "已推荐 1 项"
    assert "推荐截止日期2023-07-05已过" in messages[1]
