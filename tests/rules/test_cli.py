"""`kechuang evaluate`: a file in, exchange-formats §2 out, and no database touched."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
KECHUANG = Path(sys.executable).with_name("kechuang")
HEADER = [
    "统一社会信用代码",
    "年度",
    "成立日期",
    "行业代码",
    "职工总数",
    "科技人员数",
    "销售收入",
    "成本费用支出总额",
    "研发费用",
    "资产总额",
    "Ⅰ类知识产权数",
    "Ⅱ类知识产权数",
    "列入经营异常名录或严重违法失信名单",
    "重大安全/质量事故、严重环境违法、科研严重失信",
]
ROWS = [
    [
        "91110000600037341L",
        "2022",
        "2015-03-01",
        "C39",
        "100",
        "10",
        "1000000",
        "800000",
        "60000",
        "5000000",
        "0",
        "3",
        "否",
        "否",
    ],
    [
        "91210102000000002D",
        "2022",
        "2015-03-01",
        "F51",
        "100",
        "30",
        "1000000",
        "800000",
        "60000",
        "5000000",
        "1",
        "3",
        "0",
        "0",
    ],
]


@pytest.fixture
def input_csv(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *ROWS])
    return path


def test_runs_with_no_reachable_database(input_csv, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nowhere",
        "KECHUANG_VAR_DIR": str(tmp_path / "var"),
    }
    done = subprocess.run(
        [str(KECHUANG), "evaluate", "tech-sme", "--year", "2023", "--input", str(input_csv)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0][:5] == ["uscc", "program", "spec_version", "eligible", "score"]
    assert rows[1] == [
        "91110000600037341L",
        "tech-sme",
        "tech-sme/2023.1",
        "true",
        "72",
        "4",
        "50",
        "18",
        "score",
        "pass",
        "",
    ]
    assert rows[2][3] == "false" and rows[2][-1] == "ineligible:industry_allowed"
    assert "2 enterprises, 1 pass" in done.stderr


def test_output_file_and_spec_file(input_csv, tmp_path):
    out = tmp_path / "out.csv"
    spec = ROOT / "src/kechuang/rules/specs/tech-sme/2024.toml"
    # pytest-django refuses database access here: the command must not need it.
    call_command(
        "evaluate", "tech-sme", "--input", str(input_csv), "--spec", str(spec), "--output", str(out)
    )
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[1][2] == "tech-sme/2024.1"
    assert rows[1][-2:] == ["fail", rows[1][-1]]
    assert "missing:staff" in rows[1][-1]  # the 2024 spec reads fiscal 2023


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tech-sme", "--year", "1999", "--input", "x.csv"], "no spec for tech-sme 1999"),
        (["gazelle", "--input", "x.csv"], "--year is required"),
        (["gazelle", "--year", "2023", "--input", "nowhere.csv"], "nowhere.csv"),
    ],
)
def test_clear_errors(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("evaluate", *args)


def test_a_bad_file_names_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("uscc,year,staff\n91110000600037341L,2022,many\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"row 2, column staff \(职工总数\): 'many'"):
        call_command("evaluate", "tech-sme", "--year", "2023", "--input", str(path))


def test_a_file_beyond_the_upload_limits_is_refused_before_it_is_read(input_csv, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(CommandError, match=r"in\.csv: \d+ bytes, at most 100"):
        call_command("evaluate", "tech-sme", "--year", "2023", "--input", str(input_csv))


def test_a_zip_bomb_posing_as_a_workbook_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b"0" * (8 * 1024 * 1024))
    with pytest.raises(CommandError, match=r"bomb\.xlsx: .*compressed beyond any workbook"):
        call_command("evaluate", "tech-sme", "--year", "2023", "--input", str(path))
