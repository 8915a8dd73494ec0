"""The layout, the home page and its chart data, login and the language switch."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from kechuang.core.models import Industry, Region
from kechuang.core.roles import Role
from tests.factories import EnterpriseFactory, InstitutionFactory, PlatformFactory, UserFactory

pytestmark = pytest.mark.django_db


def chart_data(html: str, script_id: str) -> dict:
    match = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', html)
    assert match, f"no {script_id} in the page"
    return json.loads(match.group(1))


@pytest.fixture
def firms(db):
    """Three firms in Shenyang (two in manufacturing), two in Dalian, one in the Shenfu zone."""
    EnterpriseFactory.create_batch(2, industry_id="39")
    EnterpriseFactory(industry_id="65")
    EnterpriseFactory.create_batch(2, county="210202", industry_id="39")
    EnterpriseFactory(county="210112", city=Region.objects.get(code="SHENFU"), industry_id=None)


def test_city_admin_charts_count_only_its_city(client, city_admin, firms):
    client.force_login(city_admin)
    html = client.get(reverse("home")).content.decode()
    by_city = chart_data(html, "data-by-city")
    assert by_city["labels"] == ["沈阳市"]
    assert by_city["values"] == [3]
    by_industry = chart_data(html, "data-by-industry")
    manufacturing = Industry.objects.get(code="C").name
    it = Industry.objects.get(code="I").name
    assert dict(zip(by_industry["labels"], by_industry["values"], strict=True)) == {
        manufacturing: 2,
        it: 1,
    }
    assert 'id="count-enterprises"' in html
    assert re.search(r'id="count-enterprises"[^>]*><span class="n">3<', html)


def test_province_admin_sees_every_unit_with_shenfu_last(client, province_admin, firms):
    client.force_login(province_admin)
    html = client.get(reverse("home")).content.decode()
    by_city = chart_data(html, "data-by-city")
    assert by_city["labels"] == ["沈阳市", "大连市", "沈抚示范区"]
    assert by_city["values"] == [3, 2, 1]
    by_industry = chart_data(html, "data-by-industry")
    assert by_industry["labels"][-1] == "行业未填写"
    assert by_industry["values"][0] == 4
    assert sum(by_industry["values"]) == 6
    assert 'id="chart-city"' in html and "echarts.min.js" in html


def test_anonymous_home_shows_only_public_figures(client, firms):
    InstitutionFactory.create_batch(2)
    PlatformFactory()
    PlatformFactory(status="revoked")
    html = client.get(reverse("home")).content.decode()
    assert "data-by-city" not in html and "data-by-industry" not in html
    assert 'id="count-enterprises"' not in html
    # Platforms are public, so the visitor gets their chart; revoked ones are not counted.
    assert chart_data(html, "data-by-platform-kind") == {
        "name": "平台数",
        "labels": ["全国重点实验室"],
        "values": [1],
    }
    assert re.search(r'id="count-institutions"[^>]*><span class="n">2<', html)
    assert re.search(r'id="count-platforms"[^>]*><span class="n">1<', html)
    assert reverse("login") in html


def test_layout_shows_user_role_and_admin_link_to_superusers_only(client, city_admin):
    city_admin.display_name = "沈阳市科技局"
    city_admin.save()
    client.force_login(city_admin)
    html = client.get(reverse("home")).content.decode()
    assert "沈阳市科技局" in html and "市科技局管理员" in html
    assert reverse("admin:index") not in html
    assert reverse("registry:enterprise_list") in html and "/api/docs" in html
    staff = UserFactory(role=Role.PROVINCE_ADMIN, is_staff=True)
    client.force_login(staff)
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_login_and_logout(client, city_admin):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    response = client.post(reverse("login"), {"username": "shenyang", "password": "pass12345"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "退出" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "count-enterprises" not in client.get(reverse("home")).content.decode()


def test_wrong_password_is_refused_in_chinese(client, city_admin):
    response = client.post(reverse("login"), {"username": "shenyang", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_english_switch_changes_labels(client, province_admin):
    client.force_login(province_admin)
    url = reverse("registry:enterprise_list")
    assert ">企业<" in client.get(url).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url).content.decode()
    assert '<html lang="en">' in html
    assert ">Enterprises<" in html
    assert "Unified social credit code" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": url})
    assert ">企业<" in client.get(url).content.decode()


def test_api_docs_link_redirects(client):
    response = client.get("/api/docs")
    assert response.status_code == 302 and response["Location"] == "/api/v1/docs"


def test_error_pages_keep_the_layout(client, dalian_admin):
    firm = EnterpriseFactory()
    client.force_login(dalian_admin)
    missing = client.get(reverse("registry:enterprise_detail", args=[firm.pk]))
    assert missing.status_code == 404
    assert "页面不存在" in missing.content.decode() and 'class="topbar"' in missing.content.decode()
    bank_user = UserFactory(role=Role.BANK)
    client.force_login(bank_user)
    institution = InstitutionFactory()
    denied = client.get(reverse("registry:institution_edit", args=[institution.pk]))
    assert denied.status_code == 403
    assert "无权访问" in denied.content.decode()
