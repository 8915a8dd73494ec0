"""The enterprise-year template (exchange-formats §1) in, the result file (§2) out."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from kechuang.rules import evaluate, load_program
from kechuang.rules.io import InputFileError, read_enterprise_years, write_output

A = "91110000600037341L"  # the GB 32100 test vector
B = "91210102000000002D"


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_english_keys_chinese_labels_and_every_value_kind(tmp_path):
    path = write_csv(
        tmp_path / "in.csv",
        [
            [
                "uscc",
                "企业名称",
                "成立日期",
                "year",
                "职工总数",
                "销售收入",
                "净利润",
                "是否上市 ",
                "最新估值（美元）",
                "industry_code",
            ],
            [A, "甲", "2015-03-01", "2022", "12", "1,234.5", "-10", "是", "1000000000", "c39"],
            [A, "甲", "", "2021", "12.0", "0.005", "", "0", "", ""],
            [B, "乙", "2020-02-29", "2022", "", "", "", "false", "", "39"],
            ["", "", "", "", "", "", "", "", "", ""],  # a blank line is not a record
        ],
    )
    frame = read_enterprise_years(path)
    assert frame.schema["sales_revenue"] == pl.Decimal(38, 2)
    first, second, third = frame.iter_rows(named=True)
    assert first["sales_revenue"] == Decimal("1234.50")
    assert first["net_profit"] == Decimal("-10.00")
    assert first["listed"] is True and second["listed"] is False and third["listed"] is False
    assert first["founded_on"] == dt.date(2015, 3, 1) and second["founded_on"] is None
    assert first["industry_code"] == "C39"
    assert second["staff"] == 12 and third["staff"] is None  # empty is unknown, not 0
    assert second["sales_revenue"] == Decimal("0.01")  # half up to the fen
    assert first["valuation_usd"] == Decimal("1000000000.00")


def test_a_column_given_twice_is_refused(tmp_path):
    path = write_csv(
        tmp_path / "in.csv", [["uscc", "year", "listed", "是否上市"], [A, "2022", "1", "1"]]
    )
    with pytest.raises(InputFileError, match="row 1, column 4: '是否上市' repeats column listed"):
        read_enterprise_years(path)


def test_unknown_headers_and_bad_values_name_row_and_column(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [["uscc", "year", "revenue"], [A, "2022", "1"]])
    with pytest.raises(InputFileError) as caught:
        read_enterprise_years(path)
    assert "row 1, column 3: unknown header 'revenue'" in str(caught.value)
    path = write_csv(
        tmp_path / "bad.csv",
        [
            ["uscc", "year", "staff", "sales_revenue", "founded_on", "listed", "region_code"],
            [A, "2022", "12.5", "1e5", "2023-02-30", "maybe", "2101"],
            [B, "2022", "1", "1000000000000000", "", "", ""],
            ["91110000600037341X", "22", "-1", "-3", "", "", ""],
        ],
    )
    with pytest.raises(InputFileError) as caught:
        read_enterprise_years(path)
    errors = caught.value.errors
    assert "row 2, column staff (职工总数): '12.5' is not a whole number of at least 0" in errors
    assert (
        "row 2, column sales_revenue (销售收入): '1e5' is not an amount in yuan of at least 0 "
        "below 10^15" in errors
    )
    assert "row 2, column founded_on (成立日期): '2023-02-30' is not a date (YYYY-MM-DD)" in errors
    assert (
        "row 2, column listed (是否上市): 'maybe' is not yes/no (1/0, true/false, 是/否)" in errors
    )
    assert (
        "row 2, column region_code (行政区划代码): '2101' is not a 6-digit GB/T 2260 code" in errors
    )
    assert (
        "row 4, column uscc (统一社会信用代码): '91110000600037341X' is not a valid unified "
        "social credit code (GB 32100)"
    ) in errors
    assert "row 4, column year (年度): '22' is not a year between 1949 and 2100" in errors
    assert (
        "row 3, column sales_revenue (销售收入): '1000000000000000' is not an amount in yuan of "
        "at least 0 below 10^15"
    ) in errors
    assert "row 4, column staff (职工总数): '-1' is not a whole number of at least 0" in errors


def test_required_columns_and_duplicates(tmp_path):
    with pytest.raises(InputFileError, match="required column year is missing"):
        read_enterprise_years(write_csv(tmp_path / "a.csv", [["uscc"], [A]]))
    dup = write_csv(tmp_path / "b.csv", [["uscc", "year"], [A, "2022"], [B, "2022"], [A, "2022"]])
    with pytest.raises(InputFileError, match=f"row 4: enterprise {A} has another row for 2022"):
        read_enterprise_years(dup)
    with pytest.raises(InputFileError, match=r"must be \.csv"):
        read_enterprise_years(tmp_path / "c.txt")


def test_xlsx_with_typed_cells(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["统一社会信用代码", "年度", "成立日期", "销售收入", "研发费用", "是否上市", "行政区划代码"]
    )
    sheet.append([A, 2022, dt.datetime(2015, 3, 1), 1234.56, 0.1 + 0.2, True, 210102])
    sheet.append([B, 2022.0, "2016-01-01", None, 3, "否", "210211"])
    path = tmp_path / "in.xlsx"
    book.save(path)
    frame = read_enterprise_years(path)
    first, second = frame.iter_rows(named=True)
    assert (first["founded_on"], first["sales_revenue"], first["rd_expense"]) == (
        dt.date(2015, 3, 1),
        Decimal("1234.56"),
        Decimal("0.30"),
    )
    assert (first["listed"], first["region_code"]) == (True, "210102")
    assert (second["year"], second["sales_revenue"], second["listed"]) == (2022, None, False)


def test_output_has_exactly_the_section_2_columns():
    frame = pl.DataFrame({"uscc": [A], "year": [2022], "staff": [0]})
    spec = load_program("tech-sme", 2023)
    out = io.StringIO()
    write_output(evaluate(spec, frame), spec, out)
    header, row = list(csv.reader(io.StringIO(out.getvalue())))
    assert header == [
        "uscc",
        "program",
        "spec_version",
        "eligible",
        "score",
        "points_st_staff",
        "points_rd",
        "points_ip",
        "qualified_by",
        "verdict",
        "reasons",
    ]
    assert row[:5] == [A, "tech-sme", "tech-sme/2023.1", "false", ""]
    assert row[8:10] == ["", "fail"]
    assert row[10].split(";")[:2] == ["missing:sales_revenue", "missing:total_assets"]
