"""`kechuang import FILE [--dry-run] [--user NAME]`: enterprises and yearly data from a file.

Exit status 0 when the file was imported (or, with --dry-run, would import cleanly), 1 when
it has errors: then nothing is written and the report, by row and column, is printed.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kechuang.registry.importing import ImportResult, import_file
from kechuang.registry.importing.report import report_text

TABLES = (("enterprise", "企业 enterprises"), ("enterprise_year", "年度数据 yearly rows"))
PHASES = {
    "reading": "读取 reading",
    "validating": "校验 validating",
    "checking": "比对 checking",
    "writing": "写入 writing",
    "auditing": "日志 auditing",
}


class Command(BaseCommand):
    help = "导入企业及年度数据(.xlsx 或 .csv)/ Import enterprises and their yearly data"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="an .xlsx or .csv file in the exchange format")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate only; report what would change"
        )
        parser.add_argument(
            "--user", help="import as this user, within its scope (default: the system)"
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["user"]:
            try:
                actor = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"no user '{options['user']}'") from None
        started = time.monotonic()
        try:
            result = import_file(
                options["file"], actor=actor, dry_run=options["dry_run"], progress=self._progress
            )
        except PermissionDenied:
            raise CommandError("该用户无权导入 / this user may not import") from None
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")
        if options["json"]:
            self.stdout.write(json.dumps(_as_dict(result), ensure_ascii=False, indent=2))
        else:
            self._summary(result, time.monotonic() - started)
        if not result.ok:
            raise CommandError(
                f"{result.error_count} 处错误,未导入任何数据 / "
                f"{result.error_count} errors, nothing imported",
                returncode=1,
            )

    _phase = ""

    def _progress(self, phase: str, done: int, total: int) -> None:
        label = PHASES.get(phase, phase)
        line = f"{label} {done:,}/{total:,}" if total else label
        if sys.stderr.isatty():
            sys.stderr.write(f"\r\033[K{line}")
        elif phase != self._phase:  # a log file gets one line per phase
            sys.stderr.write(f"{line}\n")
        self._phase = phase
        sys.stderr.flush()

    def _summary(self, result: ImportResult, seconds: float) -> None:
        if not result.ok:
            self.stdout.write(report_text(result.errors, result.error_count))
            return
        head = (
            "预检通过,未写入 / dry run, nothing written"
            if result.dry_run
            else "导入完成 / imported"
        )
        self.stdout.write(f"{head}: {result.total_rows:,} 行 rows, {seconds:.1f} s")
        for key, label in TABLES:
            c = result.counts.get(key, {})
            self.stdout.write(
                f"  {label}: 新建 created {c.get('created', 0):,}, "
                f"更新 updated {c.get('updated', 0):,}, "
                f"未变 unchanged {c.get('unchanged', 0):,}"
            )
        if not result.dry_run:
            self.stdout.write(f"  批次 batch: {result.batch}")


def _as_dict(result: ImportResult) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "dry_run": result.dry_run,
        "batch": result.batch,
        "total_rows": result.total_rows,
        "counts": result.counts,
        "error_count": result.error_count,
        "errors": result.errors,
    }
