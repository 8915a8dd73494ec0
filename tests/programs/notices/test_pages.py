"""Public notice pages: the public lists, objections, concluding a notice."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kechuang.programs.notices.models import Objection
from tests.factories import (
    NoticeBatchFactory,
    NoticeEntryFactory,
)

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


def test_public_notice_and_objection(in_notice, bank_user):
    entry = in_notice.notice_entry
    anonymous = Client()
    page = anonymous.get(reverse("programs:notice_detail", args=[entry.batch_id]))
    assert page.status_code == 200 and entry.enterprise_name in page.content.decode()
    object_url = reverse("programs:objection_create", args=[entry.pk])
    assert anonymous.get(object_url).status_code == 302
    # The notice of the fixture ran in October 2023: closed today.
    response = login(bank_user).post(object_url, {"reason": "数据不实"})
    assert response.status_code == 200 and "不在公示期内" in response.content.decode()
    assert not Objection.objects.exists()


def test_objection_during_an_open_notice(bank_user):
    today = timezone.localdate()
    entry = NoticeEntryFactory(
        batch__starts_on=today, batch__ends_on=today.replace(year=today.year + 1)
    )
    response = login(bank_user).post(
        reverse("programs:objection_create", args=[entry.pk]), {"reason": "数据不实"}
    )
    assert response.status_code == 302
    assert Objection.objects.get().raised_by == bank_user


def test_conclude_notice_files_through_the_page(province_admin):
    from tests.factories import GradientApplicationFactory

    app = GradientApplicationFactory(status="in_notice")
    entry = NoticeEntryFactory(tech_sme=None, gradient=app, batch__program="gazelle")
    response = login(province_admin).post(
        reverse("programs:notice_conclude", args=[entry.batch_id]), follow=True
    )
    assert "已办结 1 项" in response.content.decode()
    app.refresh_from_db()
    assert app.status == "filed"
    assert app.certification.valid_from == timezone.localdate()


def test_conclude_notice_reports_what_it_could_not_do(in_notice, province_admin):
    # The fixture's 2023 notice ended long ago; the 2023 validity (to 31 March 2024) too.
    batch = in_notice.notice_entry.batch
    response = login(province_admin).post(
        reverse("programs:notice_conclude", args=[batch.pk]), follow=True
    )
    body = response.content.decode()
    assert "已办结 0 项" in body and "2023年度的入库有效期已于2024-03-31结束" in body
    in_notice.refresh_from_db()
    assert in_notice.status == "in_notice"


def test_notice_list_is_public():
    batch = NoticeBatchFactory()
    body = Client().get(reverse("programs:notice_list")).content.decode()
    assert batch.title in body


def test_a_notice_starting_yesterday_is_refused_on_its_field(province_admin):
    import datetime as dt

    from kechuang.programs.notices.models import NoticeBatch
    from tests.factories import TechSMEApplicationFactory

    app = TechSMEApplicationFactory(status="passed_review", year=timezone.localdate().year)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    url = reverse("programs:notice_create") + f"?program=tech-sme&year={app.year}"
    page = login(province_admin).post(
        url, {"starts_on": yesterday.isoformat(), "applications": [app.pk]}
    )
    assert page.status_code == 200
    assert "公示开始日期不能早于发布当日" in page.content.decode()
    assert not NoticeBatch.objects.exists()
    app.refresh_from_db()
    assert app.status == "passed_review"
