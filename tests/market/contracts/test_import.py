"""The contract import: all or nothing, errors by row and column in two languages, idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kechuang.core.models import AuditEntry
from kechuang.market.contracts import excel, importing
from kechuang.market.models import ContractEvent, RegistrationCounter, TechContract
from tests.factories import EnterpriseFactory, TechContractFactory, UserFactory

pytestmark = pytest.mark.django_db
LABELS = {c.key: c.label for c in excel.COLUMNS}


def write_book(path: Path, rows: list[dict[str, Any]], headers: list[str] | None = None) -> Path:
    keys = headers or list(dict.fromkeys(k for r in rows for k in r))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([LABELS.get(k, k) for k in keys])
    for r in rows:
        sheet.append([r.get(k) for k in keys])
    book.save(path)
    return path


def submission(seller: Any, n: int = 1, **over: Any) -> dict[str, Any]:
    row = {
        "title": f"数控系统联合开发{n}",
        "type": "技术开发",
        "subtype": "合作开发",
        "seller_uscc": seller.uscc,
        "buyer_name": "北京某科技公司",
        "buyer_region_code": "110108",
        "turnover": 800000,
        "deduction_equipment": 100000,
        "signed_on": dt.date(2023, 3, 1),
        "effective_on": dt.date(2023, 3, 1),
        "field_id": "03",
    }
    row.update(over)
    return row


def registered(seller: Any, n: int = 2, **over: Any) -> dict[str, Any]:
    return submission(
        seller,
        n,
        number="23210101000777",
        registered_on=dt.date(2023, 4, 10),
        type="development",
        subtype="commissioned",
        **over,
    )


def state() -> tuple[int, int, int, int]:
    """What an import may change: contracts, their events, audit rows, number counters."""
    counters = sum(RegistrationCounter.objects.values_list("last", flat=True))
    return (
        TechContract.objects.count(),
        ContractEvent.objects.count(),
        AuditEntry.objects.count(),
        counters,
    )


@pytest.fixture
def seller(db):
    return EnterpriseFactory(name="沈阳数控股份有限公司")


def test_a_good_file_goes_in(tmp_path, province_admin, seller):
    path = write_book(tmp_path / "a.xlsx", [submission(seller), registered(seller)])
    result = importing.import_contracts(path, actor=province_admin)
    assert result.ok, result.errors
    assert result.counts == {"submitted": 1, "registered": 1, "unchanged": 0}
    new = TechContract.objects.get(title="数控系统联合开发1")
    assert new.status == TechContract.Status.SUBMITTED
    assert new.seller_enterprise == seller and new.city_id == "210100"
    assert new.tech_value == Decimal("700000.00")
    old = TechContract.objects.get(number="23210101000777")
    assert old.status == TechContract.Status.REGISTERED
    assert old.registered_on == dt.date(2023, 4, 10)
    assert sorted(result.created) == sorted([new.pk, old.pk])


def test_one_bad_cell_changes_nothing_and_is_reported_by_row_and_column(
    tmp_path, province_admin, seller
):
    TechContractFactory()
    before = state()
    rows = [submission(seller, 1), submission(seller, 2, turnover="八十万"), registered(seller)]
    path = write_book(tmp_path / "a.xlsx", rows)
    result = importing.import_contracts(path, actor=province_admin)
    assert not result.ok
    assert state() == before
    assert result.created == [] and result.changed == 0
    [error] = result.errors
    letter = openpyxl.utils.get_column_letter(list(rows[0]).index("turnover") + 1)
    assert (error["row"], error["column"], error["letter"]) == (3, "turnover", letter)
    assert error["label"] == "成交额(元)" and error["value"] == "八十万"
    assert error["message_zh"] == "应为数字" and error["message_en"] == "Must be a number"


def test_a_row_the_services_refuse_changes_nothing(tmp_path, province_admin, seller):
    before = state()
    rows = [
        registered(seller),
        submission(seller, 1, subtype="专利实施许可"),  # a licence subtype on a development
        submission(seller, 3, deduction_equipment=900000),  # more deducted than the turnover
    ]
    result = importing.import_contracts(write_book(tmp_path / "a.xlsx", rows), actor=province_admin)
    assert not result.ok and state() == before
    found = {(e["row"], e["column"]): e for e in result.errors}
    assert set(found) == {(3, "subtype"), (4, "turnover")}
    assert found[(3, "subtype")]["message_zh"] == "合同子类与合同类型不符"
    assert found[(3, "subtype")]["message_en"] == "The subtype does not match the contract type"
    assert found[(4, "turnover")]["message_zh"] == "非技术性费用合计不能大于成交额"
    # The valid registered row was written, then rolled back with the rest.
    assert not TechContract.objects.filter(number="23210101000777").exists()


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    tmp_path, province_admin, seller
):
    path = write_book(tmp_path / "a.xlsx", [submission(seller), registered(seller)])
    first = importing.import_contracts(path, actor=province_admin)
    assert first.ok and first.changed == 2
    after_first = state()
    second = importing.import_contracts(path, actor=province_admin)
    assert second.ok, second.errors
    assert second.counts == {"submitted": 0, "registered": 0, "unchanged": 2}
    assert state() == after_first


def test_a_changed_row_is_an_error_not_an_update(tmp_path, province_admin, seller):
    importing.import_contracts(
        write_book(tmp_path / "a.xlsx", [registered(seller)]), actor=province_admin
    )
    before = state()
    changed = registered(seller, turnover=900000, field_id="05")
    result = importing.import_contracts(
        write_book(tmp_path / "b.xlsx", [changed, submission(seller)]), actor=province_admin
    )
    assert not result.ok and state() == before
    by_column = {e["column"]: e for e in result.errors}
    assert set(by_column) == {"turnover", "field_id"}
    assert "23210101000777" in by_column["turnover"]["message_zh"]
    assert "800000.00" in by_column["turnover"]["message_zh"]
    assert "amendments" in by_column["turnover"]["message_en"]


def test_dry_run_validates_and_writes_nothing(tmp_path, province_admin, seller):
    before = state()
    path = write_book(tmp_path / "a.xlsx", [submission(seller), submission(seller, 2)])
    result = importing.import_contracts(path, actor=province_admin, dry_run=True)
    assert result.ok and result.dry_run
    assert result.counts["submitted"] == 2 and result.created == []
    assert state() == before
    bad = write_book(tmp_path / "b.xlsx", [submission(seller, signed_on="2023-13-01")])
    result = importing.import_contracts(bad, actor=province_admin, dry_run=True)
    assert not result.ok and result.errors[0]["column"] == "signed_on"


def test_the_same_contract_twice_in_one_file(tmp_path, province_admin, seller):
    rows = [submission(seller), submission(seller), registered(seller), registered(seller, 9)]
    result = importing.import_contracts(write_book(tmp_path / "a.xlsx", rows), actor=province_admin)
    assert not result.ok and not TechContract.objects.exists()
    assert [(e["row"], e["message_zh"]) for e in result.errors] == [
        (3, "与第 2 行为同一合同"),
        (5, "与第 4 行为同一合同"),
    ]


def test_headers_unknown_or_missing(tmp_path, province_admin, seller):
    row = submission(seller)
    row.pop("field_id")
    row["备注"] = "x"
    result = importing.import_contracts(
        write_book(tmp_path / "a.xlsx", [row]), actor=province_admin
    )
    assert not result.ok and not TechContract.objects.exists()
    codes = {(e["code"], e["column"]) for e in result.errors}
    assert codes == {("header_unknown", ""), ("header_missing", "field_id")}


def test_a_city_bureau_imports_only_its_city(tmp_path, dalian_admin, seller):
    dalian_firm = EnterpriseFactory(county="210202")
    rows = [submission(dalian_firm, 1), submission(seller, 2)]
    result = importing.import_contracts(write_book(tmp_path / "a.xlsx", rows), actor=dalian_admin)
    assert not result.ok and not TechContract.objects.exists()
    [error] = result.errors
    assert error["row"] == 3 and error["code"] == "denied"


def test_a_number_of_another_city_is_not_disclosed(tmp_path, dalian_admin, seller):
    TechContractFactory(number="23210101000777")
    dalian_firm = EnterpriseFactory(county="210202")
    row = registered(dalian_firm)
    result = importing.import_contracts(write_book(tmp_path / "a.xlsx", [row]), actor=dalian_admin)
    [error] = result.errors
    assert error["code"] == "number_taken" and "测试技术合同" not in error["message_zh"]


def test_only_registration_offices_import(tmp_path, seller):
    user = UserFactory(role="enterprise", organization_id=seller.pk)
    zone = UserFactory(role="zone_admin", zone_id=1)
    path = write_book(tmp_path / "a.xlsx", [submission(seller)])
    for who in (user, zone):
        with pytest.raises(PermissionDenied):
            importing.import_contracts(path, actor=who)


def test_an_export_imports_back_unchanged(tmp_path, province_admin, seller):
    TechContractFactory(seller_enterprise=seller, seller_name=seller.name)
    submitted = TechContractFactory(
        seller_enterprise=seller, status="submitted", registered_on=None, number=None
    )
    qs = TechContract.objects.order_by("id")
    data = excel.export_contracts(qs)
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    before = state()
    result = importing.import_contracts(path, actor=province_admin)
    assert result.ok, result.errors
    assert result.counts == {"submitted": 0, "registered": 0, "unchanged": 2}
    assert state() == before
    # Into an empty book, the registered contract keeps its number.
    numbers = set(qs.exclude(number=None).values_list("number", flat=True))
    TechContract.objects.all().delete()
    result = importing.import_contracts(path, actor=province_admin)
    assert result.ok, result.errors
    assert result.counts == {"submitted": 1, "registered": 1, "unchanged": 0}
    assert set(qs.exclude(number=None).values_list("number", flat=True)) == numbers
    assert qs.get(status="submitted").title == submitted.title


def test_import_page_dry_run_and_report(client, tmp_path, province_admin, seller):
    client.force_login(province_admin)
    url = reverse("market:contract_import")
    bad = write_book(tmp_path / "bad.xlsx", [submission(seller, turnover=-1)])
    with bad.open("rb") as f:
        page = client.post(url, {"file": f}).content.decode()
    assert "不能为负数" in page and "Must not be negative" in page
    good = write_book(tmp_path / "good.xlsx", [submission(seller)])
    with good.open("rb") as f:
        page = client.post(url, {"file": f, "dry_run": "on"}).content.decode()
    assert "import-result" in page and not TechContract.objects.exists()
    with good.open("rb") as f:
        client.post(url, {"file": f})
    assert TechContract.objects.count() == 1
