"""The live self-assessment in a real browser (Debian chromium): the score follows the typing."""

from __future__ import annotations

import datetime as dt

from kechuang.core.roles import Role
from kechuang.programs.techsme.models import EvaluationRegistration, TechSMEApplication
from tests.browser import MARKS
from tests.factories import EnterpriseFactory, TechSMEApplicationFactory, UserFactory

pytestmark = MARKS


def test_score_and_reasons_follow_the_figures_as_typed(page, live_server):
    from playwright.sync_api import expect

    firm = EnterpriseFactory(name="辽宁自评测试有限公司")
    EvaluationRegistration.objects.create(enterprise=firm, registered_on=dt.date(2023, 3, 1))
    UserFactory(username="firm", role=Role.ENTERPRISE, organization_id=firm.pk)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "firm")
    page.fill("#id_password", "pass12345")
    page.click("form[action='/login/'] button[type=submit]")
    page.goto(f"{live_server.url}/programs/techsme/assess?year=2023")
    for name, value in [
        ("staff", "100"),
        ("tech_staff", "30"),
        ("sales_revenue", "50000000"),
        ("total_cost", "40000000"),
        ("rd_expense", "3000000"),
        ("total_assets", "30000000"),
        ("ip_class2", "2"),
    ]:
        page.fill(f"#id_{name}", value)
    expect(page.locator("#live-score")).to_have_text("82")
    expect(page.locator("#live-verdict")).to_have_text("达到评价标准")
    expect(page.locator("#assessment-result")).to_contain_text("科技人员占职工总数的30%")

    page.fill("#id_tech_staff", "5")
    expect(page.locator("#live-verdict")).to_have_text("未达到评价标准")
    expect(page.locator("#assessment-result")).to_contain_text("科技人员指标得分为0")
    assert not TechSMEApplication.objects.exists()  # nothing is saved while typing

    page.fill("#id_tech_staff", "30")
    page.click("#assess-form button[type=submit]")
    expect(page.locator("#status")).to_have_text("自评中")
    app = TechSMEApplication.objects.get()
    assert (app.score, app.verdict) == (82, "pass")


def test_the_review_queue_decides_the_ticked_rows_after_asking(page, live_server):
    import os

    from playwright.sync_api import expect

    UserFactory(username="province", role=Role.PROVINCE_ADMIN)
    apps = [TechSMEApplicationFactory(status=TechSMEApplication.Status.SUBMITTED) for _ in range(3)]
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "province")
    page.fill("#id_password", "pass12345")
    page.click("form[action='/login/'] button[type=submit]")
    page.goto(f"{live_server.url}/programs/techsme/review/")
    expect(page.locator("[data-bulk-count]")).to_have_text("已选 0 项")
    page.check("input[data-check-all]")
    expect(page.locator("[data-bulk-count]")).to_have_text("已选 3 项")
    page.uncheck(f"input[name=ids][value='{apps[2].pk}']")
    expect(page.locator("[data-bulk-count]")).to_have_text("已选 2 项")
    if os.environ.get("KECHUANG_SHOTS"):
        page.screenshot(path=os.path.join(os.environ["KECHUANG_SHOTS"], "review-bulk.png"))
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("#bulk-form button[value=reject]")  # asked first; dismissed, nothing is sent
    assert (
        TechSMEApplication.objects.filter(status=TechSMEApplication.Status.SUBMITTED).count() == 3
    )
    page.fill("#bulk-form input[name=reason]", "材料不全")
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.click("#bulk-form button[value=reject]")
    expect(page.locator(".messages")).to_contain_text("已审查不通过 2 项")
    if os.environ.get("KECHUANG_SHOTS"):
        page.screenshot(path=os.path.join(os.environ["KECHUANG_SHOTS"], "review-bulk-done.png"))
    statuses = [TechSMEApplication.objects.get(pk=a.pk).status for a in apps]
    assert statuses[:2] == [TechSMEApplication.Status.REJECTED] * 2
    assert statuses[2] == TechSMEApplication.Status.SUBMITTED
    assert asked and "确定" in asked[-1]
