"""`kechuang import FILE [--dry-run]`."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kechuang.core.models import AuditEntry
from kechuang.registry.models import Enterprise, EnterpriseYear
from tests.registry.test_import import firm_uscc, row, write_csv


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_imports_and_prints_the_counts(tmp_path):
    path = write_csv(tmp_path / "a.csv", [row(1, 2022), row(1, 2023)])
    out, _ = run(str(path))
    assert "导入完成 / imported" in out
    assert "企业 enterprises: 新建 created 1, 更新 updated 0, 未变 unchanged 0" in out
    assert "年度数据 yearly rows: 新建 created 2, 更新 updated 0, 未变 unchanged 0" in out
    assert EnterpriseYear.objects.count() == 2
    assert AuditEntry.objects.filter(source="import", actor__isnull=True).count() == 3

    again, _ = run(str(path))
    assert "未变 unchanged 2" in again
    assert AuditEntry.objects.count() == 3


@pytest.mark.django_db
def test_errors_print_the_report_and_exit_with_status_1(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [row(1), row(2, rd_expense="-1")])
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import", str(path), stdout=out)
    assert raised.value.returncode == 1
    assert "第3行 K列 研发费用 (rd_expense): 不能为负数 / Must not be negative" in out.getvalue()
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    out, _ = run(str(write_csv(tmp_path / "a.csv", [row(1)])), "--dry-run")
    assert "预检通过,未写入 / dry run, nothing written" in out
    assert "新建 created 1" in out
    assert Enterprise.objects.count() == 0 and AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_as_a_city_user_within_its_scope(tmp_path, city_admin):
    path = write_csv(tmp_path / "a.csv", [row(1, county="210202")])
    with pytest.raises(CommandError):
        call_command("import", str(path), "--user", city_admin.username, stdout=StringIO())
    assert Enterprise.objects.count() == 0


@pytest.mark.slow
def test_console_exit_status_and_progress(tmp_path):
    """The real console command on a fresh SQLite database."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["KECHUANG_VAR_DIR"] = str(tmp_path / "var")
    kechuang = [sys.executable, "-m", "kechuang.cli"]
    subprocess.run([*kechuang, "migrate", "-v0"], env=env, check=True, timeout=300)
    good = write_csv(tmp_path / "good.csv", [row(1)])
    bad = write_csv(tmp_path / "bad.csv", [row(1, uscc=firm_uscc(1)[:17] + "I")])

    ok = subprocess.run(
        [*kechuang, "import", str(good)], env=env, capture_output=True, text=True, timeout=300
    )
    assert ok.returncode == 0, ok.stderr
    assert "校验 validating" in ok.stderr  # the progress line
    failed = subprocess.run(
        [*kechuang, "import", str(bad)], env=env, capture_output=True, text=True, timeout=300
    )
    assert failed.returncode == 1
    assert "第2行 A列" in failed.stdout
    assert Path(env["KECHUANG_VAR_DIR"], "kechuang.sqlite3").exists()
