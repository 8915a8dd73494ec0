"""The buttons of the tech-SME pages come from its workflow."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kechuang.programs.techsme.models import TechSMEApplication
from tests.factories import (
    AdmissionFactory,
    GradientApplicationFactory,
    TechSMEApplicationFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/programs"


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def act(name: str, pk: int, action: str) -> str:
    return reverse(f"programs:{name}_act", kwargs={"pk": pk, "action": action})


def test_the_submit_button_asks_to_confirm_and_goes_once_submitted(draft, enterprise_user):
    c = login(enterprise_user)
    detail = reverse("programs:techsme_detail", args=[draft.pk])
    page = c.get(detail).content.decode()
    assert f'action="{act("techsme", draft.pk, "submit")}"' in page
    assert 'data-confirm="提交后不能再修改自评数据,确定提交?"' in page
    response = c.post(act("techsme", draft.pk, "submit"))
    assert response["Location"] == detail
    draft.refresh_from_db()
    assert draft.status == TechSMEApplication.Status.SUBMITTED
    page = c.get(detail).content.decode()
    assert act("techsme", draft.pk, "submit") not in page
    assert "修改自评" not in page.split('id="result"')[0]


def test_the_review_buttons_are_the_provinces(submitted, province_admin, city_admin):
    detail = reverse("programs:techsme_detail", args=[submitted.pk])
    page = login(province_admin).get(detail).content.decode()
    for name in ("pass", "return", "reject"):
        assert act("techsme", submitted.pk, name) in page
    assert (
        act("techsme", submitted.pk, "pass") not in login(city_admin).get(detail).content.decode()
    )
    assert login(city_admin).post(act("techsme", submitted.pk, "pass")).status_code == 403


def test_a_return_without_reasons_is_sent_back(submitted, province_admin):
    c = login(province_admin)
    page = c.post(act("techsme", submitted.pk, "return"), follow=True).content.decode()
    assert "请填写理由" in page
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    c.post(act("techsme", submitted.pk, "return"), {"reason": "补充证明"})
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    assert submitted.events.last().reason == "补充证明"


def test_steps_taken_on_forms_of_their_own_are_not_buttons(province_admin):
    app = AdmissionFactory().application
    assert login(province_admin).post(act("techsme", app.pk, "revoke")).status_code == 404
    assert login(province_admin).post(act("techsme", app.pk, "nonsense")).status_code == 404
    app.refresh_from_db()
    assert app.status == "admitted"


def test_the_revocation_form_shows_while_the_admission_is_in_force(province_admin, city_admin):
    admission = AdmissionFactory()
    url = reverse("programs:admission_detail", args=[admission.pk])
    page = login(province_admin).get(url).content.decode()
    assert 'id="revoke"' in page and 'id="spot-check"' in page
    assert 'data-confirm="撤销后该企业当年不得再次入库,确定撤销?"' in page
    assert 'id="revoke"' not in login(city_admin).get(url).content.decode()
    login(province_admin).post(
        reverse("programs:admission_revoke", args=[admission.pk]), {"ground": "fraud"}
    )
    page = login(province_admin).get(url).content.decode()
    assert 'id="revoke"' not in page and 'id="spot-check"' not in page


def test_the_api_lists_the_callers_actions(enterprise, enterprise_user, province_admin):
    app = TechSMEApplicationFactory(enterprise=enterprise)
    mine = login(enterprise_user).get(f"{API}/tech-sme/applications/{app.pk}").json()
    assert mine["actions"] == []
    theirs = login(province_admin).get(f"{API}/tech-sme/applications/{app.pk}").json()
    assert [a["name"] for a in theirs["actions"]] == ["pass", "return", "reject"]
    assert theirs["actions"][1]["reason_required"] is True
    admission = AdmissionFactory()
    public = Client().get(f"{API}/tech-sme/admissions/{admission.pk}").json()
    assert public["actions"] == []
    managed = login(province_admin).get(f"{API}/tech-sme/admissions/{admission.pk}").json()
    assert "revoke" in [a["name"] for a in managed["actions"]]
    gradient = GradientApplicationFactory(status="in_notice")
    detail = login(province_admin).get(f"{API}/gradient/applications/{gradient.pk}").json()
    assert [a["name"] for a in detail["actions"]] == ["file"]


def test_the_review_queue_decides_the_ticked_applications_at_once(
    submitted, province_admin, city_admin
):
    other = TechSMEApplicationFactory(status=TechSMEApplication.Status.SUBMITTED)
    queue = reverse("programs:review_queue")
    c = login(province_admin)
    page = c.get(queue).content.decode()
    assert 'id="bulk-form"' in page and f'name="ids" value="{submitted.pk}"' in page
    assert 'value="return"' in page and 'value="pass"' in page
    bulk = reverse("programs:review_bulk")
    said = c.post(bulk, {"action": "return", "ids": [submitted.pk]}, follow=True)
    assert "请填写理由" in said.content.decode()
    response = c.post(
        bulk, {"action": "pass", "ids": [submitted.pk, other.pk], "next": queue + "?page=1"}
    )
    assert response["Location"] == queue + "?page=1"
    submitted.refresh_from_db()
    other.refresh_from_db()
    assert submitted.status == TechSMEApplication.Status.PASSED_REVIEW
    assert other.status == TechSMEApplication.Status.PASSED_REVIEW
    # A city bureau sees the queue of its city but does not decide: no form, and a post
    # is refused row by row, changing nothing.
    assert 'id="bulk-form"' not in login(city_admin).get(queue).content.decode()
    third = TechSMEApplicationFactory(
        status=TechSMEApplication.Status.SUBMITTED, enterprise=submitted.enterprise, year=2022
    )
    login(city_admin).post(bulk, {"action": "pass", "ids": [third.pk]})
    third.refresh_from_db()
    assert third.status == TechSMEApplication.Status.SUBMITTED
