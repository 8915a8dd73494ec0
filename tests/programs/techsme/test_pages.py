"""Tech-SME pages: the self-assessment, its live preview, submission, review and admissions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kechuang.programs.techsme import services as techsme
from kechuang.programs.techsme.models import TechSMEApplication
from tests.factories import (
    AdmissionFactory,
    EnterpriseYearFactory,
)
from tests.programs.conftest import AFTER_NOTICE, D

pytestmark = pytest.mark.django_db

FORM = {
    "year": "2023",
    "staff": "100",
    "tech_staff": "30",
    "sales_revenue": "50000000",
    "total_cost": "40000000",
    "rd_expense": "3000000",
    "total_assets": "30000000",
    "ip_class1": "0",
    "ip_class2": "2",
}


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_assessment_page_starts_from_the_registry(registered, enterprise, enterprise_user):
    EnterpriseYearFactory(enterprise=enterprise, year=2022, staff=120, tech_staff=40)
    page = login(enterprise_user).get(reverse("programs:techsme_assess") + "?year=2023")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="120"' in body and 'value="40"' in body
    assert 'hx-post="/programs/techsme/assess/preview"' in body
    assert 'id="live-score"' in body  # the prefilled figures are scored at once


def test_unregistered_enterprise_is_sent_to_register(enterprise, enterprise_user):
    c = login(enterprise_user)
    response = c.get(reverse("programs:techsme_assess"))
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:techsme_register")
    response = c.post(reverse("programs:techsme_register"))
    assert response.status_code == 302
    assert enterprise.evaluation_registration.registered_on == timezone.localdate()


def test_live_preview_scores_without_saving(registered, enterprise_user):
    c = login(enterprise_user)
    response = c.post(reverse("programs:techsme_preview"), FORM, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<span class="score" id="live-score">82</span>' in body
    assert "科技人员占职工总数的30%，得20分（满分20分）。" in body
    assert not TechSMEApplication.objects.exists()
    fail = c.post(reverse("programs:techsme_preview"), {**FORM, "tech_staff": "5"})
    assert "科技人员指标得分为0，不符合通过条件。" in fail.content.decode()


def test_live_preview_speaks_english(registered, enterprise_user):
    c = login(enterprise_user)
    c.cookies["django_language"] = "en"
    body = c.post(reverse("programs:techsme_preview"), FORM).content.decode()
    assert "S&amp;T staff are 30% of total staff: 20 of 20 points." in body


def test_preview_reports_inconsistent_figures(registered, enterprise_user):
    body = (
        login(enterprise_user)
        .post(reverse("programs:techsme_preview"), {**FORM, "tech_staff": "300"})
        .content.decode()
    )
    assert "科技人员数不能大于职工总数" in body and "live-score" not in body


@pytest.mark.parametrize("who", ["province_admin", "city_admin", "expert"])
def test_only_enterprises_use_the_assessment_pages(request, who):
    c = login(request.getfixturevalue(who))
    assert c.get(reverse("programs:techsme_assess")).status_code == 403
    assert c.post(reverse("programs:techsme_preview"), FORM).status_code == 403


def test_saving_and_submitting_through_the_pages(registered, enterprise_user):
    c = login(enterprise_user)
    response = c.post(reverse("programs:techsme_assess") + "?year=2023", FORM)
    app = TechSMEApplication.objects.get()
    assert response["Location"] == reverse("programs:techsme_detail", args=[app.pk])
    assert (app.score, app.status) == (82, "draft")
    c.post(reverse("programs:techsme_submit", args=[app.pk]))
    app.refresh_from_db()
    assert app.status == "submitted"
    page = c.get(reverse("programs:techsme_detail", args=[app.pk])).content.decode()
    assert 'id="deadline"' in page and app.review_due.isoformat() in page
    assert "提交评价信息表" in page  # the timeline


def test_detail_flags_an_overdue_review(submitted, province_admin):
    page = login(province_admin).get(reverse("programs:techsme_detail", args=[submitted.pk]))
    body = page.content.decode()
    # Submitted on 2023-09-28, due 2023-10-11: long past.
    assert 'class="card overdue" id="deadline"' in body and "2023-10-11" in body
    queue = login(province_admin).get(reverse("programs:review_queue")).content.decode()
    assert 'tr class="overdue"' in queue


def test_review_through_the_page_is_the_provinces(submitted, province_admin, city_admin):
    url = reverse("programs:techsme_review", args=[submitted.pk])
    assert login(city_admin).post(url, {"decision": "pass"}).status_code == 403
    login(province_admin).post(url, {"decision": "pass"})
    submitted.refresh_from_db()
    assert submitted.status == "passed_review"


def test_public_list_of_admitted_enterprises(province_admin):
    kept = AdmissionFactory(year=2023)
    gone = AdmissionFactory(year=2023, revoked_on=D(2023, 12, 1))
    other_year = AdmissionFactory(year=2022)
    body = Client().get(reverse("programs:admitted_public") + "?year=2023").content.decode()
    assert kept.number in body
    assert gone.number not in body and other_year.number not in body


def test_revoke_and_spot_check_pages(in_notice, province_admin, city_admin):
    admission = techsme.admit(actor=province_admin, application=in_notice, on=AFTER_NOTICE)
    url = reverse("programs:admission_spot_check", args=[admission.pk])
    assert login(city_admin).post(url, {"result": "passed"}).status_code == 403
    login(province_admin).post(url, {"result": "failed", "note": "材料不实"})
    admission.refresh_from_db()
    assert admission.revoked_on is not None
    page = login(province_admin).get(reverse("programs:admission_detail", args=[admission.pk]))
    assert "抽查不合格或被抽查时未按要求提交材料" in page.content.decode()


def test_assessment_defaults_to_the_latest_year_with_rules(registered, enterprise_user):
    from kechuang.programs import assessment

    assert assessment.default_year("tech-sme", D(2024, 5, 1)) == 2024
    assert assessment.default_year("tech-sme", D(2031, 5, 1)) == max(
        assessment.rule_years("tech-sme")
    )
    assert assessment.default_year("tech-sme", D(1999, 5, 1)) == 1999
    page = login(enterprise_user).get(reverse("programs:techsme_assess")).content.decode()
    latest = assessment.default_year("tech-sme", timezone.localdate())
    assert f'name="year" value="{latest}"' in page


def test_the_pages_read_the_review_and_the_return_from_the_application(
    submitted, enterprise_user, province_admin
):
    from tests.programs.conftest import SUBMITTED_ON

    mine = login(enterprise_user)
    listed = mine.get(reverse("programs:techsme_list")).content.decode()
    assert submitted.review_due.strftime("%Y-%m-%d") in listed and "已超期" in listed
    returned = techsme.review(
        actor=province_admin,
        application=submitted,
        decision="return",
        reason="补充研发费用明细",
        on=SUBMITTED_ON,
    )
    assert returned.returned_for_correction
    listed = mine.get(reverse("programs:techsme_list")).content.decode()
    assert submitted.review_due.strftime("%Y-%m-%d") not in listed
    page = mine.get(reverse("programs:techsme_assess") + "?year=2023").content.decode()
    assert "评价信息表已被退回" in page
