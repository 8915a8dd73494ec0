"""The registry REST API: scoping, filters, pages, writes through services, errors."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from kechuang.core.models import AuditEntry, HighTechZone
from kechuang.core.roles import Role
from kechuang.registry.models import (
    BankBranch,
    DataConsent,
    Enterprise,
    EnterpriseYear,
    Person,
    PlatformInvestment,
    PlatformMember,
)
from tests.factories import (
    BankFactory,
    EnterpriseFactory,
    EnterpriseYearFactory,
    PlatformFactory,
    UserFactory,
    make_uscc,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/registry"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    shenyang = EnterpriseFactory(name="沈阳甲科技有限公司", county="210102")
    shenyang2 = EnterpriseFactory(
        name="沈阳乙科技有限公司", county="210103", listing_status="listed", listing_board="star"
    )
    dalian = EnterpriseFactory(name="大连丙科技有限公司", county="210202")
    bank = BankFactory()
    DataConsent.objects.create(
        enterprise=dalian,
        bank=bank,
        granted_on=dt.date.today() - dt.timedelta(days=10),
        expires_on=dt.date.today() + dt.timedelta(days=10),
    )
    EnterpriseYearFactory(enterprise=shenyang, year=2022)
    return {"shenyang": shenyang, "shenyang2": shenyang2, "dalian": dalian, "bank": bank}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_enterprise_list_is_scoped_per_role(world):
    city = UserFactory(role=Role.CITY_ADMIN, city_id="210100")
    firm = UserFactory(role=Role.ENTERPRISE, organization_id=world["shenyang"].pk)
    bank = UserFactory(role=Role.BANK, organization_id=world["bank"].pk)
    province = UserFactory(role=Role.PROVINCE_ADMIN)
    url = f"{API}/enterprises"
    assert names(login(city).get(url)) == ["沈阳乙科技有限公司", "沈阳甲科技有限公司"]
    assert names(login(firm).get(url)) == ["沈阳甲科技有限公司"]
    assert names(login(bank).get(url)) == ["大连丙科技有限公司"]
    assert len(names(login(province).get(url))) == 3
    assert Client().get(url).status_code == 401


def test_enterprise_list_filters_orders_and_pages(world):
    client = login(UserFactory(role=Role.PROVINCE_ADMIN))
    url = f"{API}/enterprises"
    assert names(client.get(url, {"city": "210200"})) == ["大连丙科技有限公司"]
    assert names(client.get(url, {"q": "乙"})) == ["沈阳乙科技有限公司"]
    assert names(client.get(url, {"q": world["dalian"].uscc.lower()})) == ["大连丙科技有限公司"]
    assert names(client.get(url, {"listing_board": "star"})) == ["沈阳乙科技有限公司"]
    by_city = names(client.get(url, {"ordering": "-city"}))
    assert by_city[0] == "大连丙科技有限公司"
    body = client.get(url, {"limit": 2, "offset": 1}).json()
    assert body["count"] == 3
    assert (body["limit"], body["offset"], len(body["items"])) == (2, 1, 2)


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"city": "999999"},
        {"ordering": "phone"},
        {"founded_after": "2020-13-01"},
    ],
)
def test_bad_query_parameters_are_422(world, params):
    client = login(UserFactory(role=Role.PROVINCE_ADMIN))
    response = client.get(f"{API}/enterprises", params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_enterprise_detail_with_years_and_money_as_strings(world):
    firm = UserFactory(role=Role.ENTERPRISE, organization_id=world["shenyang"].pk)
    body = login(firm).get(f"{API}/enterprises/{world['shenyang'].pk}").json()
    assert body["city_name"] == "沈阳市"
    (year,) = body["years"]
    assert year["year"] == 2022
    assert year["sales_revenue"] == "50000000.00"
    assert year["net_profit"] is None


def test_detail_outside_scope_is_404(world):
    city = login(UserFactory(role=Role.CITY_ADMIN, city_id="210100"))
    assert city.get(f"{API}/enterprises/{world['dalian'].pk}").status_code == 404
    assert city.get(f"{API}/enterprises/{world['dalian'].pk}/history").status_code == 404
    assert city.get(f"{API}/enterprises/999999").status_code == 404
    assert city.get(f"{API}/enterprises/{2**70}").status_code == 422


def _enterprise_body(**extra):
    return {
        "uscc": make_uscc("210102", seq=424242),
        "name": "沈阳新登记科技有限公司",
        "region_id": "210102",
        "city_id": "210100",
        **extra,
    }


def test_city_admin_registers_in_its_city_and_it_is_audited(world):
    city = UserFactory(role=Role.CITY_ADMIN, city_id="210100")
    response = login(city).post(
        f"{API}/enterprises", _enterprise_body(), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    created = Enterprise.objects.get(pk=response.json()["id"])
    entry = AuditEntry.objects.get(object_id=str(created.pk), action="create")
    assert (entry.actor, entry.source) == (city, "api")
    assert entry.changes["name"] == [None, "沈阳新登记科技有限公司"]


def test_city_admin_may_not_register_elsewhere(world):
    city = login(UserFactory(role=Role.CITY_ADMIN, city_id="210200"))
    response = city.post(f"{API}/enterprises", _enterprise_body(), content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": "无权执行此操作"}
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.BANK, Role.EXPERT, Role.ZONE_ADMIN])
def test_other_roles_may_not_register(world, role):
    zone = HighTechZone.objects.first() if role == Role.ZONE_ADMIN else None
    user = UserFactory(role=role, organization_id=world["shenyang"].pk, zone=zone)
    response = login(user).post(
        f"{API}/enterprises", _enterprise_body(), content_type="application/json"
    )
    assert response.status_code == 403


def test_invalid_enterprise_is_422_with_chinese_field_messages(world):
    client = login(UserFactory(role=Role.PROVINCE_ADMIN))
    body = _enterprise_body(uscc="91210102MA0000000X", region_id="210202")
    response = client.post(f"{API}/enterprises", body, content_type="application/json")
    assert response.status_code == 422
    detail = {tuple(item["loc"]): item["msg"] for item in response.json()["detail"]}
    assert "统一社会信用代码" in detail[("body", "payload", "uscc")]
    assert not AuditEntry.objects.exists()


def test_anonymous_writes_are_401_and_basic_credentials_too(world):
    response = Client().post(
        f"{API}/enterprises", _enterprise_body(), content_type="application/json"
    )
    assert response.status_code == 401
    wrong = "Basic " + base64.b64encode(b"nobody:wrong").decode()
    assert Client().get(f"{API}/banks", HTTP_AUTHORIZATION=wrong).status_code == 401


def test_an_api_key_authenticates_without_csrf(world):
    from kechuang.core import apikeys

    sy = UserFactory(username="sy", role=Role.CITY_ADMIN, city_id="210100")
    _key, token = apikeys.issue(actor=sy, name="市局系统", access="write")
    bearer = f"Bearer {token}"
    client = Client(enforce_csrf_checks=True)
    assert len(names(client.get(f"{API}/enterprises", HTTP_AUTHORIZATION=bearer))) == 2
    response = client.patch(
        f"{API}/enterprises/{world['shenyang'].pk}",
        {"phone": "024-1"},
        content_type="application/json",
        HTTP_AUTHORIZATION=bearer,
    )
    assert response.status_code == 200


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role=Role.PROVINCE_ADMIN))
    response = client.patch(
        f"{API}/enterprises/{world['shenyang'].pk}",
        {"phone": "024-1"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Enterprise.objects.get(pk=world["shenyang"].pk).phone == ""


def test_owner_patches_its_enterprise_and_a_no_op_writes_no_audit(world):
    firm = login(UserFactory(role=Role.ENTERPRISE, organization_id=world["shenyang"].pk))
    url = f"{API}/enterprises/{world['shenyang'].pk}"
    response = firm.patch(url, {"phone": "024-8888"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["phone"] == "024-8888"
    assert AuditEntry.objects.filter(action="update").count() == 1
    firm.patch(url, {"phone": "024-8888"}, content_type="application/json")
    assert AuditEntry.objects.filter(action="update").count() == 1
    history = firm.get(f"{url}/history").json()
    assert history["count"] == 1
    assert history["items"][0]["changes"] == {"phone": ["", "024-8888"]}


def test_consented_bank_sees_but_may_not_patch(world):
    bank = login(UserFactory(role=Role.BANK, organization_id=world["bank"].pk))
    url = f"{API}/enterprises/{world['dalian'].pk}"
    assert bank.get(url).status_code == 200
    assert bank.patch(url, {"phone": "1"}, content_type="application/json").status_code == 403
    assert (
        bank.patch(
            f"{API}/enterprises/{world['shenyang'].pk}",
            {"phone": "1"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_put_year_creates_then_replaces(world):
    firm = login(UserFactory(role=Role.ENTERPRISE, organization_id=world["dalian"].pk))
    url = f"{API}/enterprises/{world['dalian'].pk}/years/2023"
    body = {"staff": 80, "tech_staff": 20, "sales_revenue": "12345678.90", "rd_expense": 1000}
    response = firm.put(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["sales_revenue"] == "12345678.90"
    year = EnterpriseYear.objects.get(enterprise=world["dalian"], year=2023)
    assert year.sales_revenue == Decimal("12345678.90")
    response = firm.put(url, {"staff": 90}, content_type="application/json")
    year.refresh_from_db()
    assert (year.staff, year.tech_staff, year.sales_revenue) == (90, None, None)
    assert AuditEntry.objects.filter(object_id=str(year.pk)).count() == 2


def test_put_year_checks_the_figures_in_chinese(world):
    firm = login(UserFactory(role=Role.ENTERPRISE, organization_id=world["dalian"].pk))
    url = f"{API}/enterprises/{world['dalian'].pk}/years/2023"
    response = firm.put(url, {"staff": 10, "tech_staff": 20}, content_type="application/json")
    assert response.status_code == 422
    assert "科技人员数不能大于职工总数" in str(response.json()["detail"])
    assert not EnterpriseYear.objects.filter(year=2023).exists()
    assert not AuditEntry.objects.exists()
    too_early = f"{API}/enterprises/{world['dalian'].pk}/years/1900"
    assert firm.put(too_early, {}, content_type="application/json").status_code == 422
    cents = firm.put(url, {"sales_revenue": "1.001"}, content_type="application/json")
    assert cents.status_code == 422


def test_platforms_count_members_and_sum_investments_without_multiplying(world):
    platform = PlatformFactory(name="公开实验室")
    revoked = PlatformFactory(name="已撤销实验室", status="revoked")
    for i in range(3):
        PlatformMember.objects.create(
            platform=platform, person=Person.objects.create(name=f"成员{i}", title="cas")
        )
    for amount in ("100.10", "200.20"):
        PlatformInvestment.objects.create(
            platform=platform, invested_on=dt.date(2023, 1, 1), amount=Decimal(amount)
        )
    body = Client().get(f"{API}/platforms").json()
    assert [p["name"] for p in body["items"]] == ["公开实验室"]
    assert body["items"][0]["member_count"] == 3
    assert body["items"][0]["investment_total"] == "300.30"
    assert Client().get(f"{API}/platforms/{revoked.pk}").status_code == 404
    province = login(UserFactory(role=Role.PROVINCE_ADMIN))
    detail = province.get(f"{API}/platforms/{revoked.pk}").json()
    assert (detail["member_count"], detail["investment_total"]) == (0, "0.00")


def test_platform_create_and_patch_are_audited(world):
    city = login(UserFactory(role=Role.CITY_ADMIN, city_id="210100"))
    body = {
        "name": "沈阳中试基地",
        "kind": "pilot_base",
        "level": "provincial",
        "city_id": "210100",
    }
    response = city.post(f"{API}/platforms", body, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = city.patch(
        f"{API}/platforms/{pk}", {"status": "preparing"}, content_type="application/json"
    )
    assert response.json()["status"] == "preparing"
    history = city.get(f"{API}/platforms/{pk}/history").json()
    assert [item["action"] for item in history["items"]] == ["update", "create"]
    elsewhere = {**body, "city_id": "210200"}
    assert (
        city.post(f"{API}/platforms", elsewhere, content_type="application/json").status_code == 403
    )


def test_bank_detail_lists_its_branches_for_anyone(world):
    BankBranch.objects.create(
        bank=world["bank"], name="科技支行", city_id="210100", is_tech_branch=True
    )
    body = Client().get(f"{API}/banks/{world['bank'].pk}").json()
    assert body["branch_count"] == 1
    assert [b["name"] for b in body["branches"]] == ["科技支行"]


def test_persons_are_public_only_with_a_talent_title(world):
    Person.objects.create(name="院士甲", title="cae")
    hidden = Person.objects.create(name="普通乙")
    assert names(Client().get(f"{API}/persons")) == ["院士甲"]
    assert Client().get(f"{API}/persons/{hidden.pk}").status_code == 404


def test_reference_endpoints():
    client = Client()
    cities = client.get("/api/v1/reference/regions", {"level": "city"}).json()
    assert len(cities) == 14
    counties = client.get("/api/v1/reference/regions", {"parent": "210100"}).json()
    assert all(c["parent_id"] == "210100" for c in counties) and counties
    assert len(client.get("/api/v1/reference/industries", {"level": "section"}).json()) == 20
    assert len(client.get("/api/v1/reference/tech-fields").json()) == 11
    assert client.get("/api/v1/reference/zones").json()[0]["city_id"]
    assert client.get("/api/v1/reference/clusters").status_code == 200
    assert client.get("/api/v1/reference/regions", {"level": "planet"}).status_code == 422


def test_docs_are_served_and_old_address_redirects():
    client = Client()
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    response = client.get("/api/docs")
    assert response.status_code == 302 and response["Location"] == "/api/v1/docs"


def test_patch_refuses_null_for_a_field_that_cannot_be_empty(world):
    client = login(UserFactory(role=Role.PROVINCE_ADMIN))
    url = f"{API}/enterprises/{world['shenyang'].pk}"
    response = client.patch(url, {"rd_institution_level": None}, content_type="application/json")
    assert response.status_code == 422
    response = client.patch(
        url, {"zone_id": None, "founded_on": None}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["founded_on"] is None


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("enterprises", lambda i: EnterpriseYearFactory(enterprise=EnterpriseFactory()).enterprise),
        (
            "platforms",
            lambda i: (
                PlatformMember.objects.create(
                    platform=PlatformFactory(),
                    person=Person.objects.create(name=f"人{i}", title="cas"),
                ).platform
            ),
        ),
        (
            "banks",
            lambda i: (
                BankBranch.objects.create(
                    bank=BankFactory(), name=f"网点{i}", city_id="210100"
                ).bank
            ),
        ),
        ("persons", lambda i: Person.objects.create(name=f"人员{i}", title="cae")),
    ],
)
def test_lists_and_details_take_the_same_queries_for_3_or_30_rows(path, make):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(UserFactory(role=Role.PROVINCE_ADMIN))

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    objs = [make(i) for i in range(3)]
    few = queries(f"{API}/{path}?limit=100"), queries(f"{API}/{path}/{objs[0].pk}")
    objs += [make(i) for i in range(3, 30)]
    many = queries(f"{API}/{path}?limit=100"), queries(f"{API}/{path}/{objs[-1].pk}")
    assert few == many
