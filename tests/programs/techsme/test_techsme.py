"""The tech-SME evaluation: every transition, who may take it, and what it leaves behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core import calendar
from kechuang.programs.notices.models import NoticeBatch
from kechuang.programs.notices.services import notice_publish
from kechuang.programs.techsme import selectors
from kechuang.programs.techsme import services as techsme
from kechuang.programs.techsme.models import EvaluationRegistration, TechSMEApplication
from tests.factories import PASSING_FIGURES, UserFactory
from tests.programs.conftest import (
    AFTER_NOTICE,
    NOTICE_END,
    NOTICE_START,
    SUBMITTED_ON,
    YEAR,
    D,
    assess,
    audited,
    kinds,
)

pytestmark = pytest.mark.django_db
S = TechSMEApplication.Status


# --- registration ------------------------------------------------------------------------------


def test_registration_is_a_dated_account_with_event_and_audit(registered, enterprise):
    assert registered.registered_on == D(2023, 3, 1)
    assert list(enterprise.program_events.values_list("kind", flat=True)) == ["registered"]
    assert audited(registered, "create") == 1


def test_registration_happens_once(registered, enterprise, enterprise_user):
    with pytest.raises(ValidationError):
        techsme.registration_create(actor=enterprise_user, enterprise=enterprise)


def test_city_bureau_may_register_its_enterprise_but_not_another_city(
    enterprise, city_admin, dalian_admin
):
    with pytest.raises(PermissionDenied):
        techsme.registration_create(actor=dalian_admin, enterprise=enterprise)
    techsme.registration_create(actor=city_admin, enterprise=enterprise)
    assert EvaluationRegistration.objects.filter(enterprise=enterprise).exists()


def test_others_may_not_register_an_enterprise(enterprise, other_firm, bank_user, expert):
    for user in (other_firm[1], bank_user, expert):
        with pytest.raises(PermissionDenied):
            techsme.registration_create(actor=user, enterprise=enterprise)
    assert not EvaluationRegistration.objects.exists()


# --- self-assessment ---------------------------------------------------------------------------


def test_self_assessment_is_scored_by_the_rules_engine(draft):
    assert draft.status == S.DRAFT
    assert (draft.score, draft.verdict, draft.qualified_by) == (82, "pass", "score")
    assert draft.spec_version == "tech-sme/2023.1"
    assert draft.result["points_st_staff"] == 20 and draft.result["option_rd"] == "revenue"
    assert draft.explanation["zh-hans"][0] == "评价通过：得分82分（通过线60分）。"
    assert draft.explanation["en"][0] == "Passed with 82 points (pass mark 60)."
    assert draft.figures["fiscal_year"] == 2022
    assert draft.figures["values"]["sales_revenue"] == "50000000.00"
    assert kinds(draft) == ["self_assessed"]
    assert audited(draft, "create") == 1


def test_assessing_again_updates_the_same_draft(draft, enterprise, enterprise_user):
    again = assess(enterprise_user, enterprise, tech_staff=5)
    assert again.pk == draft.pk
    assert again.verdict == "fail" and again.result["points_st_staff"] == 0
    assert "zero_points:st_staff" in again.result["reasons"]
    assert kinds(again) == ["self_assessed", "self_assessed"]
    assert audited(again, "update") == 1


def test_self_assessment_needs_the_registration(enterprise, enterprise_user):
    with pytest.raises(ValidationError) as exc:
        assess(enterprise_user, enterprise)
    assert exc.value.code == "not_registered"


@pytest.mark.parametrize("who", ["province_admin", "city_admin", "other", "expert"])
def test_only_the_enterprise_assesses_itself(request, registered, enterprise, other_firm, who):
    user = other_firm[1] if who == "other" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        assess(user, enterprise)
    assert not TechSMEApplication.objects.exists()


def test_a_year_without_rules_is_refused(registered, enterprise, enterprise_user):
    with pytest.raises(ValidationError) as exc:
        assess(enterprise_user, enterprise, year=2031)
    assert exc.value.code == "no_spec"


# --- submission and formal review --------------------------------------------------------------


def test_submission_starts_five_working_days_across_national_day(submitted):
    # 29 Sep – 6 Oct 2023 are days off; Sat 7 and Sun 8 Oct are make-up working days.
    assert submitted.status == S.SUBMITTED
    assert submitted.submitted_on == SUBMITTED_ON
    assert submitted.review_due == D(2023, 10, 11)
    assert calendar.workdays_between(SUBMITTED_ON, submitted.review_due) == 5
    assert kinds(submitted)[-1] == "submitted"
    assert submitted.events.last().data == {"due": "2023-10-11"}
    assert audited(submitted) == 1


def test_a_failing_self_assessment_cannot_be_submitted(registered, enterprise, enterprise_user):
    app = assess(enterprise_user, enterprise, tech_staff=5)
    with pytest.raises(ValidationError) as exc:
        techsme.submit(actor=enterprise_user, application=app)
    assert exc.value.messages == ["自评未达到评价标准,不能提交"]


def test_submitted_figures_are_frozen(submitted, enterprise, enterprise_user):
    with pytest.raises(ValidationError):
        assess(enterprise_user, enterprise, staff=90)
    with pytest.raises(ValidationError):
        techsme.submit(actor=enterprise_user, application=submitted)


@pytest.mark.parametrize("who", ["province_admin", "city_admin", "other"])
def test_only_the_enterprise_submits(request, draft, other_firm, who):
    user = other_firm[1] if who == "other" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        techsme.submit(actor=user, application=draft)


def test_review_passes_returns_or_rejects(submitted, province_admin, enterprise, enterprise_user):
    app = techsme.review(
        actor=province_admin, application=submitted, decision="return", reason="补充知识产权证明"
    )
    assert app.status == S.RETURNED and kinds(app)[-1] == "returned"
    # Returned: the enterprise corrects and submits again.
    app = assess(enterprise_user, enterprise, ip_class2=3)
    assert app.pk == submitted.pk and app.score == 88
    app = techsme.submit(actor=enterprise_user, application=app, on=D(2023, 10, 9))
    assert app.review_due == D(2023, 10, 16)
    app = techsme.review(actor=province_admin, application=app, decision="reject", reason="不实")
    assert app.status == S.REJECTED
    assert audited(app) == 5  # submit, return, assess again, submit, reject


def test_return_and_reject_need_a_reason(submitted, province_admin):
    for decision in ("return", "reject"):
        with pytest.raises(ValidationError):
            techsme.review(actor=province_admin, application=submitted, decision=decision)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


@pytest.mark.parametrize("who", ["city_admin", "enterprise_user", "expert"])
def test_only_the_province_reviews(request, submitted, who):
    with pytest.raises(PermissionDenied):
        techsme.review(actor=request.getfixturevalue(who), application=submitted, decision="pass")


def test_overdue_reviews_are_flagged(submitted, province_admin):
    on_time = selectors.application_list(user=province_admin, today=D(2023, 10, 11)).get()
    late = selectors.application_list(user=province_admin, today=D(2023, 10, 12)).get()
    assert (on_time.overdue, late.overdue) == (False, True)
    assert on_time.awaiting_review and late.awaiting_review
    deadline = selectors.review_deadline(submitted, today=D(2023, 10, 12))
    assert deadline is not None and deadline.overdue and deadline.remaining == -1
    app = techsme.review(
        actor=province_admin, application=submitted, decision="pass", on=D(2023, 10, 12)
    )
    assert app.events.last().data == {"overdue": True}
    assert selectors.review_deadline(app) is None
    after = selectors.application_list(user=province_admin, today=D(2023, 10, 12)).get()
    assert (after.awaiting_review, after.overdue) == (False, False)
    assert not selectors.review_queue(user=province_admin).exists()


# --- notice, objections, admission -------------------------------------------------------------


def test_notice_runs_ten_working_days(passed, province_admin):
    batch = notice_publish(
        actor=province_admin,
        program="tech-sme",
        year=YEAR,
        applications=[passed],
        starts_on=D(2023, 9, 20),
        on=D(2023, 9, 20),
    )
    # Across National Day: 21, 22, 25, 26, 27, 28 Sep, 7, 8, 9, 10 Oct.
    assert batch.ends_on == D(2023, 10, 10)
    assert calendar.workdays_between(batch.starts_on, batch.ends_on) == 10
    passed.refresh_from_db()
    assert passed.status == S.IN_NOTICE
    assert passed.notice_entry.enterprise_name == passed.enterprise.name
    assert kinds(passed)[-1] == "publicised"
    assert audited(batch, "create") == 1
    assert audited(passed) == 3  # submitted, reviewed, publicised


def test_only_reviewed_applications_of_the_year_go_on_notice(submitted, province_admin, city_admin):
    with pytest.raises(ValidationError):
        notice_publish(
            actor=province_admin, program="tech-sme", year=YEAR, applications=[submitted]
        )
    submitted = techsme.review(actor=province_admin, application=submitted, decision="pass")
    with pytest.raises(PermissionDenied):
        notice_publish(actor=city_admin, program="tech-sme", year=YEAR, applications=[submitted])
    with pytest.raises(ValidationError):
        notice_publish(
            actor=province_admin, program="tech-sme", year=2024, applications=[submitted]
        )
    assert not NoticeBatch.objects.exists()


def test_objection_is_open_to_any_login_during_the_notice(in_notice, bank_user):
    entry = in_notice.notice_entry
    for day in (NOTICE_START - dt.timedelta(days=1), AFTER_NOTICE):
        with pytest.raises(ValidationError):
            techsme_objection(bank_user, entry, day)
    objection = techsme_objection(bank_user, entry, NOTICE_END)
    assert objection.decision == "pending" and objection.raised_by == bank_user
    event = in_notice.events.last()
    assert event.kind == "objection_raised" and event.actor is None
    assert audited(objection, "create") == 1


def techsme_objection(user, entry, day, reason="数据不实"):
    from kechuang.programs.notices.services import objection_raise

    return objection_raise(actor=user, entry=entry, reason=reason, on=day)


def test_anonymous_users_cannot_object(in_notice):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        techsme_objection(AnonymousUser(), in_notice.notice_entry, NOTICE_START)


def test_upheld_objection_blocks_admission(in_notice, bank_user, province_admin):
    from kechuang.programs.notices.services import objection_resolve

    objection = techsme_objection(bank_user, in_notice.notice_entry, NOTICE_START)
    with pytest.raises(PermissionDenied):
        objection_resolve(actor=bank_user, objection=objection, upheld=True, note="x")
    objection_resolve(
        actor=province_admin, objection=objection, upheld=True, note="核实研发费用虚报"
    )
    in_notice.refresh_from_db()
    assert in_notice.status == S.REJECTED
    assert kinds(in_notice)[-1] == "objection_upheld"
    with pytest.raises(ValidationError):
        techsme.admit(actor=province_admin, application=in_notice, on=AFTER_NOTICE)
    assert not hasattr(in_notice, "admission") or in_notice.admission is None


def test_pending_objection_holds_admission_until_dismissed(in_notice, bank_user, province_admin):
    from kechuang.programs.notices.services import objection_resolve

    objection = techsme_objection(bank_user, in_notice.notice_entry, NOTICE_START)
    with pytest.raises(ValidationError) as exc:
        techsme.admit(actor=province_admin, application=in_notice, on=AFTER_NOTICE)
    assert exc.value.code == "objection_pending"
    objection_resolve(actor=province_admin, objection=objection, upheld=False, note="经核实无误")
    admission = techsme.admit(actor=province_admin, application=in_notice, on=AFTER_NOTICE)
    assert admission.number.startswith("2023210102A")


def test_admission_waits_for_the_end_of_the_notice(in_notice, province_admin):
    with pytest.raises(ValidationError) as exc:
        techsme.admit(actor=province_admin, application=in_notice, on=NOTICE_END)
    assert exc.value.code == "notice_running"
    admission = techsme.admit(actor=province_admin, application=in_notice, on=AFTER_NOTICE)
    in_notice.refresh_from_db()
    assert in_notice.status == S.ADMITTED
    assert (admission.valid_from, admission.valid_to) == (AFTER_NOTICE, D(2024, 3, 31))
    assert kinds(in_notice)[-1] == "admitted"
    assert in_notice.events.last().data["number"] == admission.number
    assert audited(admission, "create") == 1


@pytest.mark.parametrize("who", ["city_admin", "enterprise_user", "expert"])
def test_only_the_province_admits(request, in_notice, who):
    with pytest.raises(PermissionDenied):
        techsme.admit(actor=request.getfixturevalue(who), application=in_notice, on=AFTER_NOTICE)


def test_figures_are_what_the_enterprise_typed(draft):
    stored = draft.figures["values"]
    assert stored["staff"] == PASSING_FIGURES["staff"]
    assert stored["rd_expense"] == "3000000.00"


def test_city_admin_sees_the_first_line_view(draft, city_admin, dalian_admin, enterprise_user):
    assert list(selectors.application_list(user=city_admin)) == [draft]
    assert not selectors.application_list(user=dalian_admin).exists()
    assert list(selectors.application_list(user=enterprise_user)) == [draft]
    other = UserFactory(role="enterprise", organization_id=draft.enterprise_id + 1000)
    assert not selectors.application_list(user=other).exists()
