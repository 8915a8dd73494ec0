"""Tabular files (.xlsx and .csv) written the same way by every export, and large exports
run as durable jobs.

Writers: `write` is the one way the project writes a tabular file (lists, yearly data,
contracts, run results, import error reports). The workbook is write-only (rows streamed, not
held), its header frozen and under an autofilter; a text that a spreadsheet could take for a
formula (= + - @ tab CR first) is written as text — in the workbook as a string cell, in the
CSV behind an apostrophe, which `unguard` takes off again when such a CSV is imported.

Jobs: an app registers an `exporter` (the rows a user may see for a list's query string);
`request_export` queues the job that writes the file under MEDIA_ROOT/jobs/, which only the
job's owner or a user of the same scope may download (core/views_jobs.py).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

from django.core.files import File
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kechuang.core import jobs
from kechuang.core.models import Job

Format = Literal["xlsx", "csv"]
RISKY = ("=", "+", "-", "@", "\t", "\r")
EVERY = 2000  # rows between progress reports


def is_risky(value: Any) -> bool:
    """A text a spreadsheet would evaluate (a formula, a DDE call) if written as is."""
    return isinstance(value, str) and value.startswith(RISKY)


def csv_safe(text: str) -> str:
    """A text no spreadsheet opening the CSV evaluates as a formula."""
    return "'" + text if text.startswith(RISKY) else text


def unguard(value: Any) -> Any:
    """A CSV cell as it was before `csv_safe`: the apostrophe before a risky text goes."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(RISKY):
        return value[1:]
    return value


def write_xlsx(
    out: IO[bytes],
    headers: Sequence[Sequence[Any]],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "data",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a workbook of `headers` (one or more rows, bold, frozen) and `rows`; returns
    the number of data rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet)
    bold = Font(bold=True)
    width = max((len(h) for h in headers), default=0)
    # A write-only sheet writes its views before its first row: freeze first.
    ws.freeze_panes = f"A{len(headers) + 1}"

    def text(value: str) -> Any:
        cell = WriteOnlyCell(ws, value=value)
        if is_risky(value):
            cell.data_type = "s"  # never a formula, whatever it starts with
            cell.quotePrefix = True  # and it stays text when edited in Excel
        return cell

    for header in headers:
        cells = []
        for label in header:
            cell = text(str(label))
            cell.font = bold
            cells.append(cell)
        ws.append(cells)

    n = 0
    for row in rows:
        ws.append([text(v) if is_risky(v) else v for v in row])
        n += 1
        if progress is not None and n % EVERY == 0:
            progress(n)
    if width:
        last = len(headers) + n
        ws.auto_filter.ref = f"A{len(headers)}:{get_column_letter(width)}{max(last, len(headers))}"
    book.save(out)
    return n


def write_csv(
    out: IO[bytes],
    headers: Sequence[Sequence[Any]],
    rows: Iterable[Sequence[Any]],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a UTF-8 CSV with a BOM (Excel on Chinese Windows reads it as UTF-8, not GBK)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    text.write("\ufeff")
    writer = csv.writer(text)
    for header in headers:
        writer.writerow([csv_safe(str(h)) for h in header])
    n = 0
    for row in rows:
        writer.writerow([csv_safe(v) if isinstance(v, str) else _csv_text(v) for v in row])
        n += 1
        if progress is not None and n % EVERY == 0:
            progress(n)
    text.flush()
    text.detach()
    return n


def _csv_text(value: Any) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write(
    out: IO[bytes],
    fmt: Format,
    headers: Sequence[Sequence[Any]],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "data",
    progress: Callable[[int], None] | None = None,
) -> int:
    if fmt == "xlsx":
        return write_xlsx(out, headers, rows, sheet=sheet, progress=progress)
    if fmt == "csv":
        return write_csv(out, headers, rows, progress=progress)
    raise ValueError(f"unknown export format {fmt!r}")


# --- exports as jobs ---------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    headers: Sequence[Sequence[Any]]
    rows: Iterable[Sequence[Any]]
    total: int  # rows expected, for the progress bar
    filename: str  # without the suffix
    sheet: str = "data"


# (user, the list's query string, extras such as the run) -> the table that user may see
Build = Callable[[Any, str, dict[str, Any]], Table]
EXPORTERS: dict[str, tuple[Any, Build]] = {}
KIND = "core.export"


def exporter(name: str, label: Any) -> Callable[[Build], Build]:
    def register(build: Build) -> Build:
        EXPORTERS[name] = (label, build)
        return build

    return register


def request_export(
    name: str,
    *,
    actor: Any,
    query: str = "",
    fmt: Format = "xlsx",
    extra: dict[str, Any] | None = None,
    key: str | None = None,
) -> Job:
    """Queue the export `name` of what `actor` sees for `query` (a list's filters)."""
    if name not in EXPORTERS:
        raise ValueError(f"unknown export {name!r}")
    params = {"export": name, "query": query, "format": fmt, "extra": extra or {}}
    return jobs.enqueue(KIND, actor=actor, params=params, key=key)


def export_label(row: Job) -> Any:
    found = EXPORTERS.get(row.params.get("export", ""))
    return found[0] if found else row.params.get("export", "")


@jobs.job(KIND, heavy=True, label=_("导出文件"))
def export_task(row: Job) -> None:
    _label, build = EXPORTERS[row.params["export"]]
    user = row.created_by
    if user is None:
        raise PermissionError("the user who asked for the export no longer exists")
    fmt: Format = row.params.get("format", "xlsx")
    # Headers and labels in Chinese whatever the reader's language: the files go to officials
    # and back into the imports, which know the Chinese labels.
    with translation.override("zh-hans"):
        table = build(user, row.params.get("query", ""), row.params.get("extra") or {})
        jobs.progress(row, 0, table.total, "writing", force=True)
        with tempfile.TemporaryFile() as out:
            n = write(
                out,
                fmt,
                table.headers,
                table.rows,
                sheet=table.sheet,
                progress=lambda n: jobs.progress(row, n, table.total, "writing"),
            )
            out.seek(0)
            stamp = timezone.localdate().isoformat()
            jobs.save_result(row, f"{table.filename}-{stamp}.{fmt}", File(out))
    jobs.progress(row, n, n, "done", force=True)
