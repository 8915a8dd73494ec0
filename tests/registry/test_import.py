"""The enterprise yearly-data import (exchange-formats.md §1): validation, atomicity,
idempotence, scope and audit, on the real database."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from kechuang.core import audit
from kechuang.core.models import AuditEntry
from kechuang.registry.importing import import_file
from kechuang.registry.importing.columns import BY_KEY
from kechuang.registry.models import Enterprise, EnterpriseYear
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, make_uscc

pytestmark = pytest.mark.django_db

KEYS = [
    "uscc",
    "name",
    "founded_on",
    "region_code",
    "industry_code",
    "year",
    "staff",
    "tech_staff",
    "sales_revenue",
    "total_cost",
    "rd_expense",
    "net_profit",
    "listed",
    "high_tech_cert_valid_to",
]


def firm_uscc(n: int, county: str = "210102") -> str:
    return make_uscc(county, seq=900_000 + n)


def row(n: int = 1, year: int = 2023, **over: Any) -> dict[str, Any]:
    county = over.pop("county", "210102")
    base = {
        "uscc": firm_uscc(n, county),
        "name": f"辽宁导入测试科技有限公司{n}",
        "founded_on": "2012-03-15",
        "region_code": county,
        "industry_code": "C39",
        "year": year,
        "staff": 120,
        "tech_staff": 40,
        "sales_revenue": "52000000.50",
        "total_cost": "41000000",
        "rd_expense": "3500000.25",
        "net_profit": "-120000",
        "listed": "否",
        "high_tech_cert_valid_to": "2025-12-31",
    }
    base.update(over)
    return base


def write_csv(
    path: Path, rows: list[dict[str, Any]], headers: str = "zh", encoding: str = "utf-8-sig"
) -> Path:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    head = [BY_KEY[k].label if headers == "zh" else k for k in keys]
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(head)
        for r in rows:
            writer.writerow(["" if r.get(k) is None else r[k] for k in keys])
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def errors_by(result) -> dict[tuple[int, str], str]:
    return {(e["row"], e["column"]): e["code"] for e in result.errors}


def test_imports_enterprises_and_yearly_rows(tmp_path, province_admin):
    path = write_csv(
        tmp_path / "a.csv",
        [
            row(1, 2022, high_tech_cert_valid_to="2024-12-31"),
            row(1, 2023),
            row(2, 2023, county="210202"),
        ],
    )
    result = import_file(path, actor=province_admin)

    assert result.ok, result.errors
    assert result.counts == {
        "enterprise": {"created": 2, "updated": 0, "unchanged": 0},
        "enterprise_year": {"created": 3, "updated": 0, "unchanged": 0},
    }
    firm = Enterprise.objects.get(uscc=firm_uscc(1))
    assert firm.name == "辽宁导入测试科技有限公司1"
    assert (firm.region_id, firm.city_id, firm.industry_id) == ("210102", "210100", "39")
    assert firm.founded_on == dt.date(2012, 3, 15)
    assert firm.high_tech_valid_to == dt.date(2025, 12, 31)  # the latest year's value
    assert Enterprise.objects.get(uscc=firm_uscc(2, "210202")).city_id == "210200"
    y = EnterpriseYear.objects.get(enterprise=firm, year=2023)
    assert y.sales_revenue == Decimal("52000000.50")
    assert y.rd_expense == Decimal("3500000.25")
    assert y.net_profit == Decimal("-120000")
    assert (y.staff, y.tech_staff, y.listed) == (120, 40, False)
    assert y.high_tech_cert_valid_to == dt.date(2025, 12, 31)
    assert y.total_assets is None  # a column not in the file is unknown, not 0

    entries = AuditEntry.objects.filter(batch=result.batch)
    assert entries.count() == 5
    assert set(entries.values_list("source", flat=True)) == {"import"}
    assert set(entries.values_list("actor", flat=True)) == {province_admin.pk}
    year_entry = entries.get(object_id=str(y.pk), content_type__model="enterpriseyear")
    assert year_entry.action == "create"
    assert year_entry.object_repr == "辽宁导入测试科技有限公司1 2023"
    assert year_entry.changes["rd_expense"] == [None, "3500000.25"]
    assert year_entry.changes["enterprise"] == [None, firm.pk]
    # The bulk-written entries say what core.audit.entry would say for the saved objects.
    for obj in (firm, y):
        written = entries.get(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
        expected = audit.entry(province_admin, "create", obj, None, audit.snapshot(obj))
        assert (written.object_repr, written.changes) == (expected.object_repr, expected.changes)


def test_chinese_and_english_headers_are_both_accepted(tmp_path, province_admin):
    zh = write_csv(tmp_path / "zh.csv", [row(1)], headers="zh")
    en = write_csv(tmp_path / "en.csv", [row(1)], headers="en")
    first = import_file(zh, actor=province_admin)
    second = import_file(en, actor=province_admin)
    assert first.ok and first.counts["enterprise_year"]["created"] == 1
    assert second.ok and second.changed == 0


def test_header_variants_full_width_and_roman_numerals(tmp_path, province_admin):
    path = tmp_path / "v.csv"
    path.write_text(
        "*统一社会信用代码,企业名称,行政区划代码,年度,I类知识产权数,最新估值（美元）\n"
        f"{firm_uscc(1)},甲公司,210102,2023,3,1000000\n",
        encoding="utf-8",
    )
    result = import_file(path, actor=province_admin)
    assert result.ok, result.errors
    y = EnterpriseYear.objects.get()
    assert (y.ip_class1, y.valuation_usd) == (3, Decimal("1000000"))


def test_error_report_names_row_and_column(tmp_path, province_admin):
    good = firm_uscc(1)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        row(1),
        row(2, uscc=bad_check),
        row(3, rd_expense="-5"),
        row(4, tech_staff=500),
        row(5, region_code="999999"),
        row(6, industry_code="Z99"),
        row(7, listed="maybe"),
        row(8, founded_on="15/03/2012"),
        row(9, year=1900),
        row(10, founded_on="2099-01-01"),
        row(11, staff="12.5"),
        row(12, sales_revenue="12.345"),
    ]
    result = import_file(write_csv(tmp_path / "bad.csv", rows), actor=province_admin)

    assert not result.ok
    assert errors_by(result) == {
        (3, "uscc"): "uscc_check",
        (4, "rd_expense"): "negative",
        (5, "tech_staff"): "tech_staff_gt_staff",
        (6, "region_code"): "region_unknown",
        (7, "industry_code"): "industry_unknown",
        (8, "listed"): "not_bool",
        (9, "founded_on"): "not_date",
        (10, "year"): "not_year",
        (11, "founded_on"): "founded_future",
        (12, "staff"): "not_integer",
        (13, "sales_revenue"): "too_many_decimals",
    }
    check = next(e for e in result.errors if e["code"] == "uscc_check")
    assert check["letter"] == "A"
    assert check["value"] == bad_check
    assert check["message_zh"] == f"统一社会信用代码校验位错误,应为 {good[17]}"
    assert check["message_en"] == f"Wrong USCC check character, expected {good[17]}"
    negative = next(e for e in result.errors if e["code"] == "negative")
    assert (negative["letter"], negative["message_zh"]) == ("K", "不能为负数")
    assert Enterprise.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_one_bad_row_changes_nothing(tmp_path, province_admin):
    import_file(write_csv(tmp_path / "a.csv", [row(1), row(2)]), actor=province_admin)
    before_years = list(EnterpriseYear.objects.order_by("pk").values())
    before_firms = list(Enterprise.objects.order_by("pk").values())
    audited = AuditEntry.objects.count()

    changed = [
        row(1, staff=999, tech_staff=1),
        row(2, name="改名公司"),
        row(3),
        row(4, total_cost="100", rd_expense="200"),
    ]
    result = import_file(write_csv(tmp_path / "b.csv", changed), actor=province_admin)

    assert not result.ok
    assert errors_by(result) == {(5, "rd_expense"): "rd_gt_cost"}
    assert list(EnterpriseYear.objects.order_by("pk").values()) == before_years
    assert list(Enterprise.objects.order_by("pk").values()) == before_firms
    assert AuditEntry.objects.count() == audited


def test_second_import_of_the_same_file_changes_nothing(tmp_path, province_admin):
    path = write_csv(tmp_path / "a.csv", [row(1, 2022), row(1, 2023), row(2)])
    import_file(path, actor=province_admin)
    stamps = list(EnterpriseYear.objects.order_by("pk").values_list("updated_at", flat=True))
    firm_stamps = list(Enterprise.objects.order_by("pk").values_list("updated_at", flat=True))
    audited = AuditEntry.objects.count()

    again = import_file(path, actor=province_admin)

    assert again.ok
    assert again.counts == {
        "enterprise": {"created": 0, "updated": 0, "unchanged": 2},
        "enterprise_year": {"created": 0, "updated": 0, "unchanged": 3},
    }
    assert AuditEntry.objects.count() == audited
    assert list(EnterpriseYear.objects.order_by("pk").values_list("updated_at", flat=True)) == (
        stamps
    )
    assert list(Enterprise.objects.order_by("pk").values_list("updated_at", flat=True)) == (
        firm_stamps
    )


def test_a_changed_value_updates_one_row_and_audits_the_difference(tmp_path, province_admin):
    import_file(write_csv(tmp_path / "a.csv", [row(1, 2022), row(1, 2023)]), actor=province_admin)
    result = import_file(
        write_csv(tmp_path / "b.csv", [row(1, 2022), row(1, 2023, rd_expense="4000000")]),
        actor=province_admin,
    )
    assert result.ok
    assert result.counts["enterprise_year"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert result.counts["enterprise"] == {"created": 0, "updated": 0, "unchanged": 1}
    y = EnterpriseYear.objects.get(year=2023)
    assert y.rd_expense == Decimal("4000000")
    entry = AuditEntry.objects.get(batch=result.batch)
    assert entry.action == "update"
    assert entry.changes == {"rd_expense": ["3500000.25", "4000000.00"]}


def test_dry_run_reports_and_changes_nothing(tmp_path, province_admin):
    result = import_file(
        write_csv(tmp_path / "a.csv", [row(1), row(2)]), actor=province_admin, dry_run=True
    )
    assert result.ok and result.dry_run
    assert result.counts["enterprise"]["created"] == 2
    assert result.counts["enterprise_year"]["created"] == 2
    assert Enterprise.objects.count() == 0
    assert EnterpriseYear.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_duplicate_rows_and_conflicting_names_are_errors(tmp_path, province_admin):
    rows = [row(1, 2023), row(1, 2023), row(2, 2022), row(2, 2023, name="另一个名字")]
    result = import_file(write_csv(tmp_path / "a.csv", rows), actor=province_admin)
    assert errors_by(result) == {(3, "year"): "duplicate_row", (5, "name"): "name_conflict"}
    dup = next(e for e in result.errors if e["code"] == "duplicate_row")
    assert "第 2 行" in dup["message_zh"] and "row 2" in dup["message_en"]


def test_founding_after_the_data_year_is_an_error(tmp_path, province_admin):
    result = import_file(
        write_csv(tmp_path / "a.csv", [row(1, 2011, founded_on="2012-03-15")]),
        actor=province_admin,
    )
    assert errors_by(result) == {(2, "founded_on"): "founded_after_year"}


def test_new_enterprise_needs_name_and_region(tmp_path, province_admin):
    rows = [{"uscc": firm_uscc(1), "year": 2023, "staff": 3}]
    result = import_file(write_csv(tmp_path / "a.csv", rows), actor=province_admin)
    assert errors_by(result) == {(2, "name"): "required_new", (2, "region_code"): "required_new"}


def test_empty_cell_is_unknown_and_absent_column_keeps_stored_values(tmp_path, province_admin):
    firm = EnterpriseFactory(uscc=firm_uscc(1))
    EnterpriseYearFactory(enterprise=firm, year=2023, staff=100, tech_staff=30)
    rows = [{"uscc": firm.uscc, "year": 2023, "staff": "", "total_assets": "0"}]
    result = import_file(write_csv(tmp_path / "a.csv", rows), actor=province_admin)
    assert result.ok, result.errors
    y = EnterpriseYear.objects.get()
    assert y.staff is None  # present and empty: unknown
    assert y.total_assets == Decimal("0")  # a real zero stays zero
    assert y.tech_staff == 30  # column absent: untouched
    firm.refresh_from_db()
    assert firm.name.startswith("辽宁测试科技有限公司")  # no name column: kept


def test_pair_check_uses_the_stored_half(tmp_path, province_admin):
    firm = EnterpriseFactory(uscc=firm_uscc(1))
    EnterpriseYearFactory(enterprise=firm, year=2023, staff=100, tech_staff=30)
    rows = [{"uscc": firm.uscc, "year": 2023, "tech_staff": 150}]
    result = import_file(write_csv(tmp_path / "a.csv", rows), actor=province_admin)
    assert errors_by(result) == {(2, "tech_staff"): "tech_staff_gt_staff"}
    assert EnterpriseYear.objects.get().tech_staff == 30


def test_boolean_spellings(tmp_path, province_admin):
    rows = [
        row(1, 2020, listed="是"),
        row(1, 2021, listed="true"),
        row(1, 2022, listed="1"),
        row(1, 2023, listed="FALSE"),
        row(2, 2023, listed=""),
    ]
    assert import_file(write_csv(tmp_path / "a.csv", rows), actor=province_admin).ok
    flags = dict(
        EnterpriseYear.objects.filter(enterprise__uscc=firm_uscc(1)).values_list("year", "listed")
    )
    assert flags == {2020: True, 2021: True, 2022: True, 2023: False}
    assert EnterpriseYear.objects.get(enterprise__uscc=firm_uscc(2)).listed is None


def test_workbook_with_typed_cells(tmp_path, province_admin):
    header = [
        "统一社会信用代码",
        "企业名称",
        "成立日期",
        "行政区划代码",
        "行业代码",
        "年度",
        "职工总数",
        "研发费用",
        "是否上市",
        "高新技术企业证书有效期至",
    ]
    data = [
        firm_uscc(1),
        "工作簿公司",
        dt.date(2010, 5, 4),
        210102,
        39,
        2023,
        88,
        1234567.89,
        1,
        dt.datetime(2026, 1, 31),
    ]
    path = write_xlsx(tmp_path / "a.xlsx", [header, data])
    result = import_file(path, actor=province_admin)
    assert result.ok, result.errors
    firm = Enterprise.objects.get()
    assert (firm.founded_on, firm.region_id, firm.industry_id) == (
        dt.date(2010, 5, 4),
        "210102",
        "39",
    )
    y = EnterpriseYear.objects.get()
    assert (y.staff, y.rd_expense, y.listed) == (88, Decimal("1234567.89"), True)
    assert y.high_tech_cert_valid_to == dt.date(2026, 1, 31)
    assert import_file(path, actor=province_admin).changed == 0


def test_gb18030_csv_from_excel(tmp_path, province_admin):
    path = write_csv(tmp_path / "gbk.csv", [row(1)], encoding="gb18030")
    result = import_file(path, actor=province_admin)
    assert result.ok, result.errors
    assert Enterprise.objects.get().name == "辽宁导入测试科技有限公司1"


def test_shenfu_reporting_unit_is_kept(tmp_path, province_admin):
    result = import_file(
        write_csv(tmp_path / "a.csv", [row(1, city="SHENFU")]), actor=province_admin
    )
    assert result.ok, result.errors
    assert Enterprise.objects.get().city_id == "SHENFU"
    # A later file without the city column leaves the reporting unit as it is.
    again = import_file(write_csv(tmp_path / "b.csv", [row(1, staff=130)]), actor=province_admin)
    assert again.ok and again.counts["enterprise"]["unchanged"] == 1
    assert Enterprise.objects.get().city_id == "SHENFU"
    wrong = import_file(
        write_csv(tmp_path / "c.csv", [row(2, county="210202", city="SHENFU")]),
        actor=province_admin,
    )
    assert errors_by(wrong) == {(2, "city"): "city_mismatch"}


def test_city_admin_imports_only_its_city(tmp_path, city_admin):
    dalian_firm = EnterpriseFactory(county="210202", uscc=firm_uscc(5, "210202"))
    rows = [row(1), row(2, county="210202"), row(5, county="210202", name=dalian_firm.name)]
    result = import_file(write_csv(tmp_path / "a.csv", rows), actor=city_admin)
    assert errors_by(result) == {(3, "uscc"): "out_of_scope", (4, "uscc"): "out_of_scope"}
    assert Enterprise.objects.count() == 1

    own = import_file(write_csv(tmp_path / "b.csv", [row(1)]), actor=city_admin)
    assert own.ok
    assert Enterprise.objects.get(uscc=firm_uscc(1)).city_id == "210100"


def test_city_admin_cannot_move_an_enterprise_out_of_its_city(tmp_path, city_admin):
    import_file(write_csv(tmp_path / "a.csv", [row(1)]), actor=city_admin)
    moved = import_file(
        write_csv(tmp_path / "b.csv", [row(1, region_code="210202")]), actor=city_admin
    )
    assert errors_by(moved) == {(2, "uscc"): "out_of_scope"}
    assert Enterprise.objects.get().region_id == "210102"


def test_enterprise_user_may_not_import(tmp_path, enterprise_user):
    with pytest.raises(PermissionDenied):
        import_file(write_csv(tmp_path / "a.csv", [row(1)]), actor=enterprise_user)


def test_unknown_and_missing_headers(tmp_path, province_admin):
    path = tmp_path / "h.csv"
    path.write_text("企业名称,备注\n甲,乙\n", encoding="utf-8")
    result = import_file(path, actor=province_admin)
    codes = {(e["row"], e["code"], e["column"]) for e in result.errors}
    assert codes == {
        (1, "header_unknown", ""),
        (1, "header_missing", "uscc"),
        (1, "header_missing", "year"),
    }


@pytest.mark.parametrize("code", ["C39", "39", "391", "3911", "C3911", "c39"])
def test_industry_codes_reduce_to_the_division(tmp_path, province_admin, code):
    result = import_file(
        write_csv(tmp_path / "a.csv", [row(1, industry_code=code)]), actor=province_admin
    )
    assert result.ok, result.errors
    assert Enterprise.objects.get().industry_id == "39"


@pytest.mark.parametrize("code", ["A39", "C1", "X", "99", "00"])
def test_industry_codes_that_do_not_exist(tmp_path, province_admin, code):
    result = import_file(
        write_csv(tmp_path / "a.csv", [row(1, industry_code=code)]), actor=province_admin
    )
    assert errors_by(result) == {(2, "industry_code"): "industry_unknown"}


def test_zone_must_exist_and_lie_in_the_city(tmp_path, province_admin):
    rows = [
        row(1, zone="不存在的高新区"),
        row(2, zone="大连高新技术产业园区"),
        row(3, county="210202", zone="大连高新技术产业园区"),
    ]
    result = import_file(write_csv(tmp_path / "a.csv", rows), actor=province_admin)
    assert errors_by(result) == {(2, "zone"): "zone_unknown", (3, "zone"): "zone_city_mismatch"}


def test_duplicate_header(tmp_path, province_admin):
    path = tmp_path / "d.csv"
    path.write_text(
        f"uscc,统一社会信用代码,year\n{firm_uscc(1)},{firm_uscc(1)},2023\n", encoding="utf-8"
    )
    result = import_file(path, actor=province_admin)
    assert [(e["row"], e["letter"], e["code"]) for e in result.errors] == [
        (1, "B", "header_duplicate")
    ]


def test_the_error_report_writes_rejected_values_as_text(tmp_path, province_admin):
    from openpyxl import load_workbook

    from kechuang.registry.importing.report import report_csv, report_xlsx

    formula = '=HYPERLINK("http://x","y")'
    result = import_file(
        write_csv(tmp_path / "a.csv", [row(1, staff=formula)]), actor=province_admin
    )
    assert not result.ok
    sheet = load_workbook(io.BytesIO(report_xlsx(result.errors))).worksheets[0]
    values = [c for r in sheet.iter_rows(min_row=2) for c in r if c.value == formula]
    assert values and {c.data_type for c in values} == {"s"}
    rows = list(csv.reader(io.StringIO(report_csv(result.errors).decode("utf-8-sig"))))
    assert "'" + formula in rows[1]
