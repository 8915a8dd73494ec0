"""A province official's path through the site in a real browser (Debian chromium)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator

import pytest

from kechuang.core import reference
from kechuang.core.roles import Role
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, UserFactory

# The live server runs in a thread while Playwright's sync API keeps an event loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed"),
]


@pytest.fixture
def reference_data(transactional_db) -> None:
    """Regions and industries: an earlier transactional test's flush may have removed them."""
    reference.load()


@pytest.fixture
def page(live_server, reference_data) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # A Chinese browser: the site starts in zh-hans, as for the officials who use it.
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        context.set_default_timeout(15_000)
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        yield pg
        browser.close()
        assert not errors, errors


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
