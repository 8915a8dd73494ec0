"""Admissions: registration numbers, validity, revocation, spot checks, re-evaluation."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kechuang.core.roles import Role
from kechuang.programs.notices.services import conclude_notice
from kechuang.programs.techsme import selectors
from kechuang.programs.techsme import services as techsme
from kechuang.programs.techsme.models import (
    NUMBER_PATTERN,
    Admission,
    Revocation,
    SpotCheck,
    TechSMEApplication,
)
from tests.factories import (
    AdmissionFactory,
    EnterpriseFactory,
    EvaluationRegistrationFactory,
    TechSMEApplicationFactory,
    UserFactory,
)
from tests.programs.conftest import AFTER_NOTICE, D, assess, audited, full_admission, kinds

pytestmark = pytest.mark.django_db
S = TechSMEApplication.Status


def firm(county: str = "210102"):
    e = EnterpriseFactory(county=county)
    EvaluationRegistrationFactory(enterprise=e)
    return e, UserFactory(role=Role.ENTERPRISE, organization_id=e.pk)


@pytest.fixture
def admission(in_notice, province_admin):
    return techsme.admit(actor=province_admin, application=in_notice, on=AFTER_NOTICE)


def test_numbers_are_year_county_letter_serial(province_admin):
    heping = [firm("210102") for _ in range(3)]
    dalian = firm("210202")
    numbers = [full_admission(u, e, province_admin).number for e, u in [*heping, dalian]]
    assert numbers == [
        "2023210102A0000001",
        "2023210102A0000002",
        "2023210102A0000003",
        "2023210202A0000001",
    ]
    assert all(re.fullmatch(NUMBER_PATTERN, n) for n in numbers)
    # A new year starts each county's serial again.
    e, u = heping[0]
    assert full_admission(u, e, province_admin, year=2024).number == "2024210102A0000001"


def test_serials_are_unique_per_year_and_county(admission):
    clash = AdmissionFactory.build(
        application=TechSMEApplicationFactory(status=S.ADMITTED),
        year=admission.year,
        county=admission.county,
        serial=admission.serial,
        number="2023210102A0009999",
    )
    clash.enterprise = clash.application.enterprise
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


def test_number_format_is_validated():
    bad = AdmissionFactory.build(number="2023210102a0000001")
    with pytest.raises(ValidationError) as exc:
        bad.full_clean(exclude=["application", "enterprise", "county"])
    assert "number" in exc.value.message_dict


def test_admission_is_valid_until_the_spec_says(admission):
    # tech-sme/2023.toml: [validity] until = "N+1-03-31" (assumed).
    assert admission.valid_to == D(2024, 3, 31)
    assert admission.county_id == admission.enterprise.region_id


def test_admission_after_the_validity_end_is_refused(in_notice, province_admin):
    with pytest.raises(ValidationError) as exc:
        techsme.admit(actor=province_admin, application=in_notice, on=D(2024, 4, 1))
    assert exc.value.code == "validity_over"


# --- revocation --------------------------------------------------------------------------------


def test_revocation_records_ground_and_bars_the_same_year(
    admission, province_admin, enterprise, enterprise_user
):
    revocation = techsme.revoke(
        actor=province_admin,
        admission=admission,
        ground=Revocation.Ground.LISTED,
        reason="列入经营异常名录",
        on=D(2023, 12, 1),
    )
    admission.refresh_from_db()
    app = admission.application
    app.refresh_from_db()
    assert (revocation.year, admission.revoked_on, app.status) == (2023, D(2023, 12, 1), S.REVOKED)
    assert kinds(app)[-1] == "revoked" and app.events.last().data["ground"] == "listed"
    assert audited(revocation, "create") == 1 and audited(admission) == 1
    assert techsme.is_barred(enterprise, 2023)
    with pytest.raises(ValidationError) as exc:
        assess(enterprise_user, enterprise)
    assert exc.value.code == "barred"


def test_revoked_enterprise_cannot_be_admitted_again_that_year(admission, province_admin):
    techsme.revoke(actor=province_admin, admission=admission, ground="fraud")
    # A second application of the same year that reached the notice by another way.
    second = TechSMEApplication.objects.create(
        enterprise=admission.enterprise, year=2023, status=S.IN_NOTICE
    )
    from tests.factories import NoticeEntryFactory

    NoticeEntryFactory(tech_sme=second, batch__ends_on=D(2023, 10, 30))
    with pytest.raises(ValidationError) as exc:
        techsme.admit(actor=province_admin, application=second, on=D(2023, 11, 2))
    assert exc.value.code == "barred"


def test_revocation_does_not_bar_the_next_year(
    admission, province_admin, enterprise, enterprise_user
):
    techsme.revoke(actor=province_admin, admission=admission, ground="not_eligible")
    again = full_admission(enterprise_user, enterprise, province_admin, year=2024)
    assert again.year == 2024 and again.number.startswith("2024210102A")


def test_revocation_needs_a_known_ground_and_happens_once(admission, province_admin):
    with pytest.raises(ValidationError):
        techsme.revoke(actor=province_admin, admission=admission, ground="dislike")
    techsme.revoke(actor=province_admin, admission=admission, ground="integrity")
    with pytest.raises(ValidationError):
        techsme.revoke(actor=province_admin, admission=admission, ground="integrity")


@pytest.mark.parametrize("who", ["city_admin", "enterprise_user", "expert"])
def test_only_the_province_revokes(request, admission, who):
    with pytest.raises(PermissionDenied):
        techsme.revoke(actor=request.getfixturevalue(who), admission=admission, ground="fraud")
    assert not Revocation.objects.exists()


def test_revoked_admissions_leave_the_public_list(admission, province_admin):
    from django.contrib.auth.models import AnonymousUser

    assert list(selectors.admitted_in(user=AnonymousUser(), year=2023)) == [admission]
    techsme.revoke(actor=province_admin, admission=admission, ground="fraud")
    assert not selectors.admitted_in(user=AnonymousUser(), year=2023).exists()
    assert list(selectors.admission_list(user=province_admin)) == [admission]


# --- spot checks -------------------------------------------------------------------------------


def test_passed_spot_check_keeps_the_admission(admission, province_admin):
    check = techsme.spot_check(actor=province_admin, admission=admission, result="passed")
    admission.refresh_from_db()
    assert admission.in_force and check.result == SpotCheck.Result.PASSED
    assert kinds(admission.application)[-1] == "spot_check_passed"
    assert audited(check, "create") == 1


@pytest.mark.parametrize("result", ["failed", "no_materials"])
def test_failed_spot_check_revokes(admission, province_admin, result):
    techsme.spot_check(
        actor=province_admin,
        admission=admission,
        result=result,
        note="研发费用无法核实",
        on=D(2023, 12, 10),
    )
    admission.refresh_from_db()
    assert admission.revoked_on == D(2023, 12, 10)
    assert admission.revocation.ground == Revocation.Ground.SPOT_CHECK
    assert kinds(admission.application)[-2:] == ["spot_check_failed", "revoked"]


def test_failed_spot_check_needs_a_note(admission, province_admin):
    with pytest.raises(ValidationError):
        techsme.spot_check(actor=province_admin, admission=admission, result="failed")
    assert not SpotCheck.objects.exists()


@pytest.mark.parametrize("who", ["city_admin", "enterprise_user"])
def test_only_the_province_spot_checks(request, admission, who):
    with pytest.raises(PermissionDenied):
        techsme.spot_check(actor=request.getfixturevalue(who), admission=admission, result="passed")


# --- annual re-evaluation ----------------------------------------------------------------------


def test_reevaluation_marks_last_years_admissions_in_force(province_admin):
    kept = AdmissionFactory(year=2023)
    revoked = AdmissionFactory(year=2023, revoked_on=D(2023, 12, 1))
    this_year = AdmissionFactory(year=2024)
    n = techsme.mark_reevaluation(actor=province_admin, year=2023, on=D(2024, 1, 10))
    assert n == 1
    for a in (kept, revoked, this_year):
        a.refresh_from_db()
    assert kept.reevaluation_due_on == D(2024, 1, 10)
    assert revoked.reevaluation_due_on is None and this_year.reevaluation_due_on is None
    assert kinds(kept.application) == ["reevaluation_due"]
    assert audited(kept) == 1
    # Marking again finds nothing new.
    assert techsme.mark_reevaluation(actor=province_admin, year=2023, on=D(2024, 1, 11)) == 0


def test_reevaluation_is_for_past_years_and_the_province(province_admin, city_admin):
    with pytest.raises(ValidationError):
        techsme.mark_reevaluation(actor=province_admin, year=2024, on=D(2024, 1, 10))
    with pytest.raises(PermissionDenied):
        techsme.mark_reevaluation(actor=city_admin, year=2023, on=D(2024, 1, 10))
    assert not Admission.objects.filter(reevaluation_due_on__isnull=False).exists()


def test_concluding_a_notice_admits_all_but_the_contested(province_admin, bank_user):
    from kechuang.programs.notices.services import notice_publish, objection_raise

    firms = [firm() for _ in range(3)]
    apps = []
    for e, u in firms:
        app = assess(u, e)
        app = techsme.submit(actor=u, application=app, on=D(2023, 9, 1))
        apps.append(techsme.review(actor=province_admin, application=app, decision="pass"))
    batch = notice_publish(
        actor=province_admin,
        program="tech-sme",
        year=2023,
        applications=apps,
        starts_on=D(2023, 10, 16),
        on=D(2023, 10, 16),
    )
    objection_raise(actor=bank_user, entry=apps[1].notice_entry, reason="存疑", on=D(2023, 10, 17))
    with pytest.raises(PermissionDenied):
        conclude_notice(actor=bank_user, batch=batch, on=AFTER_NOTICE)
    done, left = conclude_notice(actor=province_admin, batch=batch, on=AFTER_NOTICE)
    assert [a.application_id for a in done] == [apps[0].pk, apps[2].pk]
    assert [entry.tech_sme_id for entry, _ in left] == [apps[1].pk]
    batch.refresh_from_db()
    assert batch.concluded_on is None  # one entry is still open
