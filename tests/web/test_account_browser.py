"""A province admin's first login in a real browser: the forced password change, enrolment of
the second factor, the code at the next login — and no page breaks the Content-Security-Policy."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kechuang.core.roles import Role
from tests.browser import MARKS
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = MARKS
SHOTS = os.environ.get("KECHUANG_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_first_login_of_a_province_admin(page, live_server, settings):
    from playwright.sync_api import expect

    settings.REQUIRE_ADMIN_2FA = True
    settings.FORCE_PASSWORD_CHANGE = True
    violations: list[str] = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and violations.append(m.text),
    )
    UserFactory(
        username="province",
        role=Role.PROVINCE_ADMIN,
        display_name="省厅管理员",
        must_change_password=True,
    )
    EnterpriseFactory.create_batch(3)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "province")
    page.fill("#id_password", "pass12345")
    shot(page, "01-login")
    page.click("form[action='/login/'] button[type=submit]")

    expect(page.locator("h1")).to_have_text("修改密码")
    expect(page.locator(".notice")).to_contain_text("请先设置只有您知道的新密码")
    page.fill("#id_old_password", "pass12345")
    page.fill("#id_new_password1", "12345678901")
    page.fill("#id_new_password2", "12345678901")
    page.click("main button[type=submit]")
    expect(page.locator(".errorlist")).to_contain_text("密码只包含数字")
    shot(page, "02-password-refused")
    page.fill("#id_old_password", "pass12345")
    page.fill("#id_new_password1", "Shenyang-Kc-2024")
    page.fill("#id_new_password2", "Shenyang-Kc-2024")
    page.click("main button[type=submit]")

    expect(page.locator("h1")).to_have_text("启用双因素认证")
    expect(page.locator(".qr img")).to_be_visible()
    shot(page, "03-otp-setup")
    device = TOTPDevice.objects.get(user__username="province")
    page.fill("#id_token", code_of(device))
    page.click("main button[type=submit]")

    expect(page.locator(".who")).to_contain_text("省厅管理员")
    expect(page.locator("#chart-city")).to_have_attribute("data-rendered", "true")
    shot(page, "04-home")
    page.click("nav.mainnav >> text=企业")
    expect(page.locator("#results-table tbody tr")).to_have_count(3)
    page.fill("#id_q", "有限")
    page.press("#id_q", "Enter")  # htmx swaps the table in place
    expect(page).to_have_url(re.compile(r"\?q="))

    page.click(".who")
    expect(page.locator("main")).to_contain_text("已启用")
    page.click(".lang button[value=en]")
    expect(page.locator("h1")).to_have_text("Account security")
    shot(page, "05-account-en")
    page.click(".lang button[value=zh-hans]")

    page.click("header form[action='/logout/'] button")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "province")
    page.fill("#id_password", "Shenyang-Kc-2024")
    page.click("form[action='/login/'] button[type=submit]")
    expect(page.locator("h1")).to_have_text("双因素验证")
    shot(page, "06-otp-verify")
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the same 30 s window
    page.fill("#id_token", code_of(device))
    page.click("main form[action='/account/two-factor/verify/'] button[type=submit]")
    expect(page.locator(".who")).to_contain_text("省厅管理员")
    assert not violations, violations


def test_the_admin_and_chart_pages_keep_to_the_policy(page, live_server):
    from playwright.sync_api import expect

    violations: list[str] = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and violations.append(m.text),
    )
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    EnterpriseFactory.create_batch(2)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pass12345")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"{live_server.url}/admin/core/user/{root.pk}/change/")
    expect(page.locator("#id_username")).to_have_value("root")
    page.goto(f"{live_server.url}/admin/registry/enterprise/")
    expect(page.locator("#result_list")).to_be_visible()
    shot(page, "07-admin")
    page.goto(f"{live_server.url}/market/contracts/stats")
    expect(page.locator("main")).to_be_visible()
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.locator("#chart-city")).to_have_attribute("data-rendered", "true")
    assert not violations, violations
    # The check above would see a violation: an inline script is refused and reported.
    page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('script'),"
        " {textContent: 'window.injected = 1'}))"
    )
    page.wait_for_timeout(300)
    assert violations and page.evaluate("window.injected") is None
