"""A province official's path through the site in a real browser (Debian chromium)."""

from __future__ import annotations

import re

from kechuang.core.roles import Role
from tests.browser import MARKS
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, UserFactory

pytestmark = MARKS


def test_province_admin_finds_an_enterprise_and_sees_the_charts(page, live_server):
    from playwright.sync_api import expect

    UserFactory(username="province", role=Role.PROVINCE_ADMIN, display_name="省厅管理员")
    target = EnterpriseFactory(name="辽宁北方智能装备有限公司")
    EnterpriseYearFactory(enterprise=target, year=2023, staff=321)
    EnterpriseFactory.create_batch(3)
    EnterpriseFactory(county="210202")

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "province")
    page.fill("#id_password", "pass12345")
    page.click("form[action='/login/'] button[type=submit]")
    expect(page.locator(".who")).to_contain_text("省厅管理员")

    page.click("nav.mainnav >> text=企业")
    expect(page.locator("#results-table tbody tr")).to_have_count(5)
    # A column heading sorts in place and remembers the order for the next search.
    page.click("#results-table th >> text=成立日期")
    expect(page).to_have_url(re.compile(r"ordering=founded_on"))
    expect(page.locator("#ordering-input")).to_have_value("founded_on")
    page.fill("#id_q", "北方智能")
    page.press("#id_q", "Enter")
    # The table is replaced in place (htmx) and the address keeps the search.
    expect(page.locator("#results-table tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"\?q=%E5%8C%97[^&]*&ordering=founded_on$"))
    page.click("#results-table >> text=辽宁北方智能装备有限公司")

    expect(page.locator("h1")).to_have_text("辽宁北方智能装备有限公司")
    expect(page.locator("#fields")).to_contain_text("统一社会信用代码")
    expect(page.locator("#year-table")).to_contain_text("321")

    page.click(".lang button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#fields")).to_contain_text("Unified social credit code")
    expect(page.locator("nav.mainnav")).to_contain_text("Enterprises")

    page.click("a.brand")
    chart = page.locator("#chart-city")
    expect(chart).to_have_attribute("data-rendered", "true")
    expect(chart.locator("canvas, svg").first).to_be_visible()
    expect(page.locator("#chart-industry")).to_have_attribute("data-rendered", "true")
