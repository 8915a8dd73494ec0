"""Import of enterprises and their yearly data (exchange-formats.md §1).

`import_file` is the service: it reads the file, validates every cell and every row, and
then writes all of it in one transaction with its audit entries — or, when anything is
wrong, writes nothing and returns the report of every error by row and column.
Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kechuang.core import scoping
from kechuang.registry.importing.parse import Progress, References, parse_table
from kechuang.registry.importing.plan import build_plan, today
from kechuang.registry.importing.reader import UnreadableFile, read_table
from kechuang.registry.importing.report import ErrorReport, make_error
from kechuang.registry.importing.write import apply_plan
from kechuang.registry.models import Enterprise

__all__ = ["ImportResult", "can_import", "import_file"]


@dataclass
class ImportResult:
    ok: bool
    dry_run: bool
    batch: str
    total_rows: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    @property
    def changed(self) -> int:
        return sum(c.get("created", 0) + c.get("updated", 0) for c in self.counts.values())


def can_import(user: Any) -> bool:
    """Province and city bureaus import; a city bureau only the enterprises of its city."""
    return scoping.can_create(user, Enterprise)


def import_file(
    path: str | Path,
    *,
    actor: Any,
    dry_run: bool = False,
    name: str | None = None,
    batch: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate `path` and, unless `dry_run` or anything is wrong, apply it.

    `actor` None means the console acting for the system, with the province's scope.
    """
    if actor is not None:
        scoping.require(can_import(actor))
    batch = batch or uuid.uuid4().hex
    result = ImportResult(ok=False, dry_run=dry_run, batch=batch)
    report = ErrorReport()
    if progress:
        progress("reading", 0, 0)
    try:
        table = read_table(path, name)
    except (UnreadableFile, OSError) as exc:
        report.add(make_error(0, "", "", None, "file_unreadable", detail=str(exc)[:200]))
        return _finish(result, report)
    result.total_rows = len(table.rows)
    if not table.header:
        report.add(make_error(1, "", "", None, "file_empty"))
        return _finish(result, report)
    parsed = parse_table(table, References(), report, today=today(), progress=progress)
    if not parsed.columns or not parsed.rows:
        if not report:
            report.add(make_error(2, "", "", None, "file_empty"))
        return _finish(result, report)
    if progress:
        progress("checking", result.total_rows, result.total_rows)
    plan = build_plan(parsed, report, actor=actor)
    if report:
        return _finish(result, report)
    result.counts = plan.counts
    if not dry_run:
        apply_plan(plan, actor=actor, batch=batch, progress=progress)
    result.ok = True
    return result


def _finish(result: ImportResult, report: ErrorReport) -> ImportResult:
    result.errors = report.as_json()
    result.error_count = report.total
    result.ok = False
    return result
