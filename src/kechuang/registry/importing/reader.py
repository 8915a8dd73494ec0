"""Reading the first sheet of a workbook, or a CSV file, into plain rows of cell values.

Workbooks are read with calamine (Rust): openpyxl's read-only mode needs about 15 s for
the 3 M cells of a 100,000-row yearly-data file on this hardware, calamine about 1.5 s.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kechuang.core import uploads
from kechuang.core.exports import unguard

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt")


class UnreadableFile(ValueError):
    pass


@dataclass
class Table:
    header: list[Any]
    rows: list[list[Any]]  # data rows; rows[0] is spreadsheet row 2


def _blank(row: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves CSV in GB18030 (GBK); everything else sends UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("not UTF-8 or GB18030 text")


def _read_csv(path: Path) -> list[list[Any]]:
    text = _decode(path.read_bytes())
    # Our own CSV exports put an apostrophe before a text that could run as a formula.
    return [[unguard(v) for v in r] for r in csv.reader(io.StringIO(text, newline=""))]


def _read_workbook(path: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        if not book.sheet_names:
            return []
        rows: list[list[Any]] = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise UnreadableFile(str(exc)) from exc
    return rows


def read_table(path: str | Path, name: str | None = None) -> Table:
    """The header row and the data rows of `path`; `name` decides the format if given."""
    path = Path(path)
    suffix = Path(name or path.name).suffix.lower()
    try:  # before any reader sees it: size, zip bomb, extent of the sheets
        uploads.check_workbook(path, name)
    except uploads.RefusedFile as exc:
        raise UnreadableFile(str(exc)) from exc
    if suffix in CSV_SUFFIXES:
        rows = _read_csv(path)
    elif suffix in WORKBOOK_SUFFIXES:
        rows = _read_workbook(path)
    else:
        raise UnreadableFile(f"unsupported file type '{suffix}': use .xlsx or .csv")
    while rows and _blank(rows[-1]):
        rows.pop()
    if not rows:
        return Table(header=[], rows=[])
    return Table(header=rows[0], rows=rows[1:])
