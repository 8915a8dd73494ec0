"""Field-level write rights: an owner changes only what it owns the truth of; identity,
location, status and certification fields only an admin in scope, through the API and the
pages alike. A zone lies in the record's city; a USCC of another region is a warning; a year's
figures that a program has used are locked for the owner."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kechuang.core import scoping
from kechuang.core.models import HighTechZone
from kechuang.core.roles import Role
from kechuang.programs.runs.models import EvaluationResult, EvaluationRun
from kechuang.registry.models import Enterprise, EnterpriseYear, Platform
from tests.factories import (
    EnterpriseYearFactory,
    InstitutionFactory,
    PlatformFactory,
    UserFactory,
    make_uscc,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/registry"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def patch(client: Client, url: str, body: dict):
    return client.patch(url, body, content_type="application/json")


@pytest.mark.parametrize(
    "body",
    [
        {"city_id": "210200", "region_id": "210202"},
        {"uscc": make_uscc("210102", seq=99)},
        {"high_tech_cert_no": "GR202221000001", "high_tech_valid_to": "2027-01-01"},
        {"listing_status": "listed", "listing_board": "star"},
        {"rd_institution_level": "national"},
        {"zone_id": 1},
    ],
)
def test_an_enterprise_may_not_change_its_identity_location_or_certificates(
    enterprise, enterprise_user, body
):
    before = Enterprise.objects.values().get(pk=enterprise.pk)
    response = patch(login(enterprise_user), f"{API}/enterprises/{enterprise.pk}", body)
    assert response.status_code == 403, response.content
    assert any(name.removesuffix("_id") in response.json()["detail"] for name in body)
    assert Enterprise.objects.values().get(pk=enterprise.pk) == before


def test_an_enterprise_changes_its_contacts(enterprise, enterprise_user):
    body = {"contact": "李四", "phone": "13800000000", "address": "沈阳市和平区1号"}
    response = patch(login(enterprise_user), f"{API}/enterprises/{enterprise.pk}", body)
    assert response.status_code == 200, response.content
    enterprise.refresh_from_db()
    assert (enterprise.contact, enterprise.phone) == ("李四", "13800000000")


def test_a_mixed_patch_changes_nothing(enterprise, enterprise_user):
    body = {"contact": "李四", "city_id": "210200"}
    response = patch(login(enterprise_user), f"{API}/enterprises/{enterprise.pk}", body)
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.contact != "李四"


def test_the_city_admin_changes_the_certificate(enterprise, city_admin):
    body = {"high_tech_cert_no": "GR202221000001"}
    response = patch(login(city_admin), f"{API}/enterprises/{enterprise.pk}", body)
    assert response.status_code == 200, response.content
    assert response.json()["warnings"] == []


def test_an_institution_may_not_hand_its_platform_to_another(institution):
    platform = PlatformFactory(host_institution=institution, host_enterprise=None)
    other = InstitutionFactory()
    user = UserFactory(role=Role.INSTITUTION, organization_id=institution.pk)
    url = f"{API}/platforms/{platform.pk}"
    response = patch(login(user), url, {"host_institution_id": other.pk})
    assert response.status_code == 403
    assert Platform.objects.get(pk=platform.pk).host_institution_id == institution.pk
    response = patch(login(user), url, {"description": "新的简介"})
    assert response.status_code == 200, response.content


def test_a_zone_must_lie_in_the_records_city(enterprise, city_admin):
    dalian_zone = HighTechZone.objects.get(name="大连高新技术产业园区")
    shenyang_zone = HighTechZone.objects.get(name="沈阳高新技术产业开发区")
    client = login(city_admin)
    url = f"{API}/enterprises/{enterprise.pk}"
    response = patch(client, url, {"zone_id": dalian_zone.pk})
    assert response.status_code == 422, response.content
    assert Enterprise.objects.get(pk=enterprise.pk).zone_id is None
    assert patch(client, url, {"zone_id": shenyang_zone.pk}).status_code == 200


def test_a_uscc_of_another_region_is_a_warning_not_a_refusal(enterprise, city_admin):
    uscc = make_uscc("210103", seq=4321)
    response = patch(login(city_admin), f"{API}/enterprises/{enterprise.pk}", {"uscc": uscc})
    assert response.status_code == 200, response.content
    assert Enterprise.objects.get(pk=enterprise.pk).uscc == uscc
    [warning] = response.json()["warnings"]
    assert "210103" in warning


def test_the_edit_page_offers_an_enterprise_only_its_own_fields(enterprise, enterprise_user):
    client = login(enterprise_user)
    url = reverse("registry:enterprise_edit", args=[enterprise.pk])
    form = client.get(url).context["form"]
    assert "contact" in form.fields
    assert not {"uscc", "city", "region", "zone", "high_tech_cert_no"} & set(form.fields)
    response = client.post(url, {"contact": "王五", "phone": "", "address": "", "city": "210200"})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.contact, enterprise.city_id) == ("王五", "210100")


def test_the_rule_is_declared_beside_the_scope(enterprise, enterprise_user, city_admin):
    assert scoping.writable_fields(enterprise_user, enterprise) == {"address", "contact", "phone"}
    assert "city" in scoping.writable_fields(city_admin, enterprise)
    assert scoping.writable_fields(UserFactory(role=Role.BANK), enterprise) == set()


def _used(enterprise: Enterprise, year: int) -> None:
    # A run of year N reads the figures up to N.
    run = EvaluationRun.objects.create(
        program="innovation-points", year=year, status=EvaluationRun.Status.DONE
    )
    EvaluationResult.objects.create(
        run=run, enterprise=enterprise, program="innovation-points", year=year,
        eligible=True, verdict="pass",
    )  # fmt: skip


def test_figures_a_program_used_are_locked_for_the_owner(enterprise, enterprise_user, city_admin):
    EnterpriseYearFactory(enterprise=enterprise, year=2022, staff=100)
    EnterpriseYearFactory(enterprise=enterprise, year=2023, staff=100)
    _used(enterprise, 2022)
    client = login(enterprise_user)
    url = f"{API}/enterprises/{enterprise.pk}/years/2022"
    response = client.put(url, {"staff": 120}, content_type="application/json")
    assert response.status_code == 403
    assert "请联系所在市科技局更正" in response.json()["detail"]
    assert EnterpriseYear.objects.get(enterprise=enterprise, year=2022).staff == 100
    # An unused year stays open; the city corrects a used one.
    open_year = f"{API}/enterprises/{enterprise.pk}/years/2023"
    assert client.put(open_year, {"staff": 120}, content_type="application/json").status_code == 200
    city = login(city_admin).put(url, {"staff": 120}, content_type="application/json")
    assert city.status_code == 200


def test_the_year_page_says_why_a_used_year_is_locked(enterprise, enterprise_user):
    EnterpriseYearFactory(enterprise=enterprise, year=2022, staff=100)
    _used(enterprise, 2022)
    url = reverse("registry:enterprise_year_edit", args=[enterprise.pk, 2022])
    response = login(enterprise_user).post(url, {"staff": "120"})
    assert response.status_code == 200
    assert "请联系所在市科技局更正" in response.content.decode()
    assert EnterpriseYear.objects.get(enterprise=enterprise, year=2022).staff == 100


def test_an_application_that_read_a_year_locks_it(enterprise, enterprise_user):
    from tests.factories import TechSMEApplicationFactory

    figures = EnterpriseYearFactory(enterprise=enterprise, year=2022, staff=100)
    TechSMEApplicationFactory(enterprise=enterprise, year=2023, source_year=figures)
    client = login(enterprise_user)
    url = f"{API}/enterprises/{enterprise.pk}/years/2022"
    response = client.put(url, {"staff": 120}, content_type="application/json")
    assert response.status_code == 403
