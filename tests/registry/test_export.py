"""Exports of registry lists, and the yearly data's round trip through the import."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kechuang.core.models import AuditEntry
from kechuang.registry.exporting import ExportColumn, export_queryset, yes_no
from kechuang.registry.importing import import_file
from kechuang.registry.models import Enterprise, EnterpriseYear, Institution
from tests.factories import (
    BankFactory,
    EnterpriseFactory,
    EnterpriseYearFactory,
    InstitutionFactory,
    PlatformFactory,
    ServiceInstitutionFactory,
)
from tests.jobs_support import content, export_file
from tests.registry.test_import import row, write_csv

pytestmark = pytest.mark.django_db


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_export_queryset_csv_and_xlsx():
    InstitutionFactory(name="甲大学", central_in_province=True)
    columns = [
        ExportColumn("name", "名称"),
        ExportColumn("central_in_province", "中直驻辽", yes_no),
        ExportColumn("city__name", "所属市"),
        ExportColumn("created_at", "创建时间"),
    ]
    qs = Institution.objects.all()
    rows = read_csv(export_queryset(qs, columns, "csv"))
    assert rows[0] == ["名称", "中直驻辽", "所属市", "创建时间"]
    assert rows[1][:3] == ["甲大学", "是", "沈阳市"]
    sheet = read_xlsx(export_queryset(qs, columns, "xlsx"))
    assert sheet[0] == ["名称", "中直驻辽", "所属市", "创建时间"]
    assert sheet[1][:3] == ["甲大学", "是", "沈阳市"]
    assert isinstance(sheet[1][3], dt.datetime)


@pytest.fixture(autouse=True)
def inline_jobs(settings, tmp_path):
    settings.JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"


def test_enterprise_export_applies_filters_and_scope(client, province_admin, city_admin):
    EnterpriseFactory(name="沈阳甲")
    EnterpriseFactory(name="大连乙", county="210202")
    url = reverse("registry:enterprise_export")
    client.force_login(province_admin)
    everything = read_csv(client.get(url, {"format": "csv"}).content)
    assert [r[1] for r in everything[1:]] == ["大连乙", "沈阳甲"]
    assert everything[0][:3] == ["统一社会信用代码", "企业名称", "所属市"]
    filtered = read_csv(client.get(url, {"format": "csv", "city": "210200"}).content)
    assert [r[1] for r in filtered[1:]] == ["大连乙"]

    client.force_login(city_admin)
    response = export_file(client, url)  # xlsx by default, written by a job
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert [r[1] for r in read_xlsx(content(response))[1:]] == ["沈阳甲"]
    filtered = export_file(client, url, {"format": "xlsx", "city": "210200"})
    assert read_xlsx(content(filtered))[1:] == []


@pytest.mark.parametrize(
    ("name", "factory", "header"),
    [
        ("institution_export", InstitutionFactory, "名称"),
        ("service_institution_export", ServiceInstitutionFactory, "名称"),
        ("bank_export", BankFactory, "名称"),
        ("platform_export", PlatformFactory, "名称"),
    ],
)
def test_every_list_exports(client, province_admin, name, factory, header):
    obj = factory()
    client.force_login(province_admin)
    for fmt in ("csv", "xlsx"):
        if fmt == "csv":
            response = client.get(reverse(f"registry:{name}"), {"format": fmt})
        else:
            response = export_file(client, reverse(f"registry:{name}"), {"format": fmt})
        assert response.status_code == 200
        body = content(response)
        rows = read_csv(body) if fmt == "csv" else read_xlsx(body)
        assert header in rows[0]
        assert obj.name in rows[1]


def test_platform_export_filters_by_kind(client, province_admin):
    PlatformFactory(name="国重", kind="national_key_lab")
    PlatformFactory(name="中试", kind="pilot_base", level="provincial")
    client.force_login(province_admin)
    response = client.get(
        reverse("registry:platform_export"), {"format": "csv", "kind": "pilot_base"}
    )
    rows = read_csv(response.content)
    assert [r[0] for r in rows[1:]] == ["中试"]
    assert rows[1][1] == "中试基地"  # choices are shown by label


def test_bad_format_and_anonymous(client, province_admin):
    url = reverse("registry:bank_export")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(province_admin)
    assert client.get(url, {"format": "pdf"}).status_code == 400


def test_enterprise_user_exports_only_its_own_years(client, enterprise, enterprise_user):
    EnterpriseYearFactory(enterprise=enterprise, year=2023)
    EnterpriseYearFactory(year=2023)  # another enterprise
    client.force_login(enterprise_user)
    response = client.get(reverse("registry:enterprise_year_export"), {"format": "csv"})
    rows = read_csv(response.content)
    assert [r[0] for r in rows[1:]] == [enterprise.uscc]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_yearly_export_reimports_unchanged(client, province_admin, tmp_path, fmt):
    rows = [
        row(1, 2021, total_assets="0.10", valuation_usd="", listed="1"),
        row(1, 2022, net_profit="-0.01", ip_class1=0),
        row(1, 2023, high_tech_cert_valid_to="", city="SHENFU", zone="沈抚改革创新示范区"),
        row(2, 2023, county="210202", sales_revenue="123456789012.34", zone="大连高新技术产业园区"),
    ]
    assert import_file(write_csv(tmp_path / "in.csv", rows), actor=province_admin).ok
    before = list(EnterpriseYear.objects.order_by("pk").values())
    audited = AuditEntry.objects.count()

    client.force_login(province_admin)
    url = reverse("registry:enterprise_year_export")
    if fmt == "csv":
        body = client.get(url, {"format": fmt}).content
    else:  # the workbook is written by a job
        body = content(export_file(client, url, {"format": fmt}))
    exported = tmp_path / f"out.{fmt}"
    exported.write_bytes(body)
    table = read_csv(body) if fmt == "csv" else read_xlsx(body)
    assert table[0][:6] == [
        "统一社会信用代码",
        "企业名称",
        "成立日期",
        "行政区划代码",
        "行业代码",
        "年度",
    ]
    assert len(table) == 5

    again = import_file(exported, actor=province_admin)
    assert again.ok, again.errors
    assert again.changed == 0
    assert again.counts["enterprise_year"]["unchanged"] == 4
    assert list(EnterpriseYear.objects.order_by("pk").values()) == before
    assert AuditEntry.objects.count() == audited
    firm = Enterprise.objects.get(uscc=rows[0]["uscc"])
    assert firm.city_id == "SHENFU" and firm.zone.name == "沈抚改革创新示范区"
    big = EnterpriseYear.objects.get(enterprise__uscc=rows[3]["uscc"])
    assert big.sales_revenue == Decimal("123456789012.34")


def test_headers_stay_chinese_for_an_english_reader(client, province_admin):
    PlatformFactory(name="中试", kind="pilot_base", level="provincial")
    client.force_login(province_admin)
    client.cookies["django_language"] = "en"
    rows = read_csv(client.get(reverse("registry:platform_export"), {"format": "csv"}).content)
    assert rows[0][:2] == ["名称", "类型"]
    assert rows[1][1] == "中试基地"


FORMULA = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_name_like_a_formula_exports_as_text_and_reimports_unchanged(
    client, province_admin, tmp_path, fmt
):
    assert import_file(
        write_csv(tmp_path / "in.csv", [row(1, name=FORMULA)]), actor=province_admin
    ).ok
    client.force_login(province_admin)
    url = reverse("registry:enterprise_year_export")
    if fmt == "csv":
        body = client.get(url, {"format": fmt}).content
        assert read_csv(body)[1][1] == "'" + FORMULA  # what a spreadsheet shows as text
    else:
        body = content(export_file(client, url, {"format": fmt}))
        cell = load_workbook(io.BytesIO(body)).worksheets[0]["B2"]
        assert (cell.value, cell.data_type) == (FORMULA, "s")
    exported = tmp_path / f"out.{fmt}"
    exported.write_bytes(body)

    again = import_file(exported, actor=province_admin)
    assert again.ok, again.errors
    assert again.changed == 0
    assert Enterprise.objects.get().name == FORMULA
