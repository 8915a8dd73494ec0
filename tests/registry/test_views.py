"""Registry pages: who sees which page, and that forms write through the audited services."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role
from kechuang.registry.models import (
    BankBranch,
    Enterprise,
    Institution,
    Person,
    Platform,
    PlatformInvestment,
    PlatformMember,
)
from tests.factories import (
    EnterpriseFactory,
    EnterpriseYearFactory,
    InstitutionFactory,
    PlatformFactory,
    UserFactory,
    make_uscc,
)

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "registry:enterprise_list",
    "registry:institution_list",
    "registry:service_institution_list",
    "registry:bank_list",
    "registry:platform_list",
    "registry:person_list",
]


def audit_of(obj):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    )


@pytest.fixture
def dalian_firm(db):
    return EnterpriseFactory(county="210202", name="大连港湾智能装备有限公司")


@pytest.fixture
def shenyang_firm(db):
    return EnterpriseFactory(name="沈阳浑河精密机械有限公司")


@pytest.mark.parametrize("name", LIST_PAGES)
def test_every_list_page_renders_for_the_province(client, province_admin, name):
    client.force_login(province_admin)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b'id="results-table"' in response.content


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_render_for_anonymous_visitors(client, name):
    assert client.get(reverse(name)).status_code == 200


def test_city_admin_lists_only_its_city(client, city_admin, shenyang_firm, dalian_firm):
    client.force_login(city_admin)
    page = client.get(reverse("registry:enterprise_list")).content.decode()
    assert shenyang_firm.name in page
    assert dalian_firm.name not in page


def test_anonymous_sees_no_enterprise(client, shenyang_firm):
    page = client.get(reverse("registry:enterprise_list")).content.decode()
    assert shenyang_firm.name not in page
    assert reverse("login") in page


def test_search_filters_sort_and_count(client, province_admin, shenyang_firm, dalian_firm):
    client.force_login(province_admin)
    url = reverse("registry:enterprise_list")
    page = client.get(url, {"q": "浑河"}).content.decode()
    assert shenyang_firm.name in page and dalian_firm.name not in page
    assert "共 1 条记录" in page
    page = client.get(url, {"q": dalian_firm.uscc.lower()}).content.decode()
    assert dalian_firm.name in page and shenyang_firm.name not in page
    page = client.get(url, {"city": "210200"}).content.decode()
    assert dalian_firm.name in page and shenyang_firm.name not in page
    # 大 (U+5927) sorts before 沈 (U+6C88); descending puts Shenyang first.
    page = client.get(url, {"ordering": "-name"}).content.decode()
    assert page.index(shenyang_firm.name) < page.index(dalian_firm.name)
    assert 'data-sort="descending"' in page


def test_pages_of_fifty(client, province_admin):
    EnterpriseFactory.create_batch(51)
    client.force_login(province_admin)
    url = reverse("registry:enterprise_list")
    first = client.get(url)
    assert len(first.context["page"].object_list) == 50
    assert "共 51 条记录" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 1


def test_htmx_request_gets_the_table_only(client, province_admin, shenyang_firm):
    client.force_login(province_admin)
    response = client.get(
        reverse("registry:enterprise_list"), {"q": "浑河"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="results-table"' in body and shenyang_firm.name in body
    assert 'hx-swap-oob="true"' in body
    assert "HX-Request" in response["Vary"]


def test_export_buttons_carry_the_filters(client, province_admin, shenyang_firm):
    client.force_login(province_admin)
    page = client.get(reverse("registry:enterprise_list"), {"q": "浑河"}).content.decode()
    url = reverse("registry:enterprise_export")
    assert f'href="{url}?q=%E6%B5%91%E6%B2%B3&amp;format=xlsx"' in page
    assert f'href="{url}?q=%E6%B5%91%E6%B2%B3&amp;format=csv"' in page
    export = client.get(url, {"q": "浑河", "format": "csv"})
    assert export.status_code == 200
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert shenyang_firm.uscc.encode() in body


def test_no_export_button_when_not_routed(client, province_admin):
    from kechuang.web.templatetags.web_tags import url_if_routed

    assert url_if_routed("registry:no_such_export") == ""
    assert url_if_routed("registry:enterprise_export") == reverse("registry:enterprise_export")


def test_detail_is_404_outside_the_scope(client, dalian_admin, shenyang_firm):
    client.force_login(dalian_admin)
    url = reverse("registry:enterprise_detail", args=[shenyang_firm.pk])
    assert client.get(url).status_code == 404
    edit = reverse("registry:enterprise_edit", args=[shenyang_firm.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"name": "x"}).status_code == 404
    assert (
        client.get(
            reverse("registry:enterprise_year_edit", args=[shenyang_firm.pk, 2023])
        ).status_code
        == 404
    )


def test_enterprise_user_sees_and_edits_only_its_own(client, enterprise, enterprise_user):
    other = EnterpriseFactory()
    client.force_login(enterprise_user)
    own = client.get(reverse("registry:enterprise_detail", args=[enterprise.pk]))
    assert own.status_code == 200
    assert reverse("registry:enterprise_edit", args=[enterprise.pk]) in own.content.decode()
    assert client.get(reverse("registry:enterprise_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("registry:enterprise_edit", args=[enterprise.pk])).status_code == 200


def test_visible_but_not_editable_is_403(client, institution):
    bank_user = UserFactory(role=Role.BANK)
    client.force_login(bank_user)
    detail = client.get(reverse("registry:institution_detail", args=[institution.pk]))
    assert detail.status_code == 200
    assert (
        reverse("registry:institution_edit", args=[institution.pk]) not in detail.content.decode()
    )
    edit = reverse("registry:institution_edit", args=[institution.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "改名"}).status_code == 403
    assert client.get(reverse("registry:institution_create")).status_code == 403
    institution.refresh_from_db()
    assert institution.name != "改名"


def test_create_needs_login(client):
    response = client.get(reverse("registry:enterprise_create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def enterprise_form(**over):
    data = {
        "uscc": make_uscc("210102", seq=424242),
        "name": "沈阳新材料科技有限公司",
        "city": "210100",
        "region": "210102",
        "founded_on": "2018-05-20",
        "industry": "39",
        "listing_status": "unlisted",
    }
    data.update(over)
    return data


def test_create_enterprise_through_the_service(client, city_admin):
    client.force_login(city_admin)
    response = client.post(reverse("registry:enterprise_create"), enterprise_form())
    created = Enterprise.objects.get(name="沈阳新材料科技有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:enterprise_detail", args=[created.pk])
    entry = audit_of(created).get()
    assert entry.action == "create" and entry.actor == city_admin and entry.source == "web"
    assert entry.changes["name"] == [None, "沈阳新材料科技有限公司"]


def test_city_admin_cannot_create_in_another_city(client, city_admin):
    client.force_login(city_admin)
    response = client.post(
        reverse("registry:enterprise_create"), enterprise_form(city="210200", region="210202")
    )
    assert response.status_code == 403
    assert not Enterprise.objects.exists()


def test_validation_errors_are_shown_in_chinese(client, province_admin, shenyang_firm):
    client.force_login(province_admin)
    response = client.post(
        reverse("registry:enterprise_create"),
        enterprise_form(uscc="91210102ABC", listing_status="listed", region="210202"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "统一社会信用代码无效" in page
    assert "已上市企业须填写上市板块" in page or "所在区县不属于所选的市" in page
    assert not Enterprise.objects.exclude(pk=shenyang_firm.pk).exists()
    duplicate = client.post(
        reverse("registry:enterprise_create"), enterprise_form(uscc=shenyang_firm.uscc)
    )
    assert "已存在" in duplicate.content.decode()
    assert AuditEntry.objects.count() == 0


def test_edit_writes_an_audit_entry_shown_in_the_history(client, city_admin, shenyang_firm):
    city_admin.display_name = "沈阳市科技局王科长"
    city_admin.save()
    client.force_login(city_admin)
    url = reverse("registry:enterprise_edit", args=[shenyang_firm.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name="沈阳浑河精密机械股份有限公司", founded_on="2015-06-01", region="210102")
    response = client.post(url, data)
    assert response.status_code == 302
    shenyang_firm.refresh_from_db()
    assert shenyang_firm.name == "沈阳浑河精密机械股份有限公司"
    entry = audit_of(shenyang_firm).get()
    assert entry.action == "update"
    assert entry.changes == {"name": ["沈阳浑河精密机械有限公司", "沈阳浑河精密机械股份有限公司"]}
    page = client.get(reverse("registry:enterprise_detail", args=[shenyang_firm.pk]))
    history = page.content.decode().split('id="history"')[1]
    assert "沈阳市科技局王科长" in history
    assert "沈阳浑河精密机械有限公司" in history and "沈阳浑河精密机械股份有限公司" in history
    assert "<td>网页</td>" in history


def test_city_admin_cannot_move_a_record_out_of_its_city(client, city_admin, shenyang_firm):
    client.force_login(city_admin)
    url = reverse("registry:enterprise_edit", args=[shenyang_firm.pk])
    data = enterprise_form(uscc=shenyang_firm.uscc, city="210200", region="210202")
    assert client.post(url, data).status_code == 403
    shenyang_firm.refresh_from_db()
    assert shenyang_firm.city_id == "210100"
    assert not audit_of(shenyang_firm).exists()


def test_enterprise_year_form_creates_then_updates(client, enterprise, enterprise_user):
    client.force_login(enterprise_user)
    url = reverse("registry:enterprise_year_edit", args=[enterprise.pk, 2023])
    assert client.get(url).status_code == 200
    response = client.post(url, {"staff": "120", "tech_staff": "30", "rd_expense": "1500000.50"})
    assert response.status_code == 302
    year = enterprise.years.get(year=2023)
    assert str(year.rd_expense) == "1500000.50"
    response = client.post(url, {"staff": "130", "tech_staff": "30", "rd_expense": "1500000.50"})
    assert response.status_code == 302
    actions = list(audit_of(year).order_by("id").values_list("action", flat=True))
    assert actions == ["create", "update"]
    assert audit_of(year).latest("id").changes == {"staff": [120, 130]}
    detail = client.get(reverse("registry:enterprise_detail", args=[enterprise.pk])).content
    assert "1,500,000.50" in detail.decode()


def test_enterprise_year_constraint_error_inline(client, province_admin, enterprise):
    client.force_login(province_admin)
    url = reverse("registry:enterprise_year_edit", args=[enterprise.pk, 2022])
    response = client.post(url, {"staff": "10", "tech_staff": "30"})
    assert response.status_code == 200
    assert "科技人员数不能大于职工总数" in response.content.decode()
    assert not enterprise.years.exists()


def test_year_new_redirects_to_the_year(client, province_admin, enterprise):
    client.force_login(province_admin)
    response = client.get(
        reverse("registry:enterprise_year_new", args=[enterprise.pk]), {"year": "2024"}
    )
    assert response["Location"] == reverse(
        "registry:enterprise_year_edit", args=[enterprise.pk, 2024]
    )


def test_enterprise_detail_shows_years_and_facts(client, province_admin, enterprise):
    EnterpriseYearFactory(enterprise=enterprise, year=2021, staff=88)
    enterprise.awards.create(name="辽宁省科学技术进步奖", level="provincial", year=2022, rank=1)
    client.force_login(province_admin)
    page = client.get(reverse("registry:enterprise_detail", args=[enterprise.pk])).content.decode()
    assert "职工总数" in page and ">88<" in page
    assert "辽宁省科学技术进步奖" in page
    assert "统一社会信用代码" in page and enterprise.uscc in page


def test_institution_and_platform_forms(client, province_admin):
    client.force_login(province_admin)
    response = client.post(
        reverse("registry:institution_create"),
        {
            "uscc": make_uscc("210102", seq=777, entity="12"),
            "name": "沈阳测试研究院",
            "city": "210100",
            "region": "210102",
            "kind": "institute",
        },
    )
    assert response.status_code == 302
    inst = Institution.objects.get(name="沈阳测试研究院")
    host = EnterpriseFactory()
    response = client.post(
        reverse("registry:platform_create"),
        {
            "name": "辽宁智能制造中试基地",
            "kind": "pilot_base",
            "level": "provincial",
            "city": "210100",
            "host_enterprise": host.uscc,
            "status": "operating",
        },
    )
    assert response.status_code == 302
    platform = Platform.objects.get(name="辽宁智能制造中试基地")
    assert platform.host_enterprise == host
    assert audit_of(platform).get().action == "create"
    edit = reverse("registry:platform_edit", args=[platform.pk])
    form = client.get(edit).context["form"]
    assert form.initial["host_enterprise"] == host.uscc
    response = client.post(
        edit,
        {
            "name": "辽宁智能制造中试基地",
            "kind": "pilot_base",
            "level": "national",
            "city": "210100",
            "host_institution": inst.pk,
            "status": "operating",
        },
    )
    assert response.status_code == 302
    platform.refresh_from_db()
    assert platform.host_institution == inst and platform.host_enterprise is None
    assert audit_of(platform).latest("id").changes["level"] == ["provincial", "national"]


def test_platform_host_must_be_visible(client, dalian_admin, shenyang_firm):
    client.force_login(dalian_admin)
    response = client.post(
        reverse("registry:platform_create"),
        {
            "name": "大连测试平台",
            "kind": "pilot_base",
            "level": "city",
            "city": "210200",
            "host_enterprise": shenyang_firm.uscc,
            "status": "operating",
        },
    )
    assert response.status_code == 200
    assert "未找到该统一社会信用代码的企业" in response.content.decode()


def test_bank_platform_and_person_details(client, province_admin, bank):
    BankBranch.objects.create(bank=bank, name="沈阳科技支行", city_id="210100", is_tech_branch=True)
    inst = InstitutionFactory()
    person = Person.objects.create(name="李院士", title="cae", institution=inst)
    platform = PlatformFactory(host_institution=inst)
    PlatformMember.objects.create(platform=platform, person=person, role="主任")
    PlatformInvestment.objects.create(platform=platform, invested_on="2023-01-05", amount="2500000")
    client.force_login(province_admin)
    page = client.get(reverse("registry:bank_detail", args=[bank.pk])).content.decode()
    assert "沈阳科技支行" in page
    page = client.get(reverse("registry:platform_detail", args=[platform.pk])).content.decode()
    assert "李院士" in page and "2,500,000.00" in page
    assert reverse("registry:person_detail", args=[person.pk]) in page
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert platform.name in page and "中国工程院院士" in page


def test_revoked_platform_is_hidden_from_the_public(client):
    platform = PlatformFactory(status="revoked")
    url = reverse("registry:platform_detail", args=[platform.pk])
    assert client.get(url).status_code == 404


def _queries_for(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("registry:enterprise_list", lambda: EnterpriseFactory(zone_id=None)),
        ("registry:institution_list", InstitutionFactory),
        ("registry:platform_list", lambda: PlatformFactory(host_institution=InstitutionFactory())),
        (
            "registry:person_list",
            lambda: Person.objects.create(
                name="张三", title="cas", institution=InstitutionFactory()
            ),
        ),
    ],
)
def test_list_queries_do_not_grow_with_rows(client, province_admin, name, make):
    client.force_login(province_admin)
    make()
    few = _queries_for(client, reverse(name))
    for _ in range(30):
        make()
    assert _queries_for(client, reverse(name)) == few


def test_detail_queries_do_not_grow_with_years(client, province_admin, enterprise):
    client.force_login(province_admin)
    url = reverse("registry:enterprise_detail", args=[enterprise.pk])
    EnterpriseYearFactory(enterprise=enterprise, year=2020)
    one = _queries_for(client, url)
    for year in (2021, 2022, 2023):
        EnterpriseYearFactory(enterprise=enterprise, year=year)
    assert _queries_for(client, url) == one
