"""Uploaded files checked before anything reads them, and removed after a retention period.

A workbook is a zip of XML: 1.5 KB can declare a cell at CV100000, which a reader then
builds as a 100 × 100,000 grid (400 MB), and a zip member can inflate a thousandfold. So
before a workbook is opened: the file's size, the sum of its members' uncompressed sizes and
their compression ratio, and the extent of every sheet (the highest row and column any cell
names, scanned as a stream of the inflated XML, never held whole) are checked against caps.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ZIP_SUFFIXES = (".xlsx", ".xlsm", ".ods")
CHUNK = 1 << 20


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return limit("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


# Attachments (a contract's text, a certificate's scan): documents and images only, never a
# page or a script a browser or an office suite would run.
ATTACHMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".ofd")
ATTACHMENT_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".ofd": (b"PK\x03\x04",),
}


def validate_attachment(upload: Any) -> None:
    """A form's check of an attachment: an allowed type, by suffix and by its first bytes,
    within the size limit."""
    if upload is None:
        return
    validate_size(upload)
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ATTACHMENT_SUFFIXES:
        raise ValidationError(
            _("附件只接受 %(types)s 文件"),
            code="attachment_type",
            params={"types": " ".join(ATTACHMENT_SUFFIXES)},
        )
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_MAGIC[suffix]):
        raise ValidationError(_("附件内容与文件类型不符"), code="attachment_content")


class RefusedFile(ValueError):
    """A file refused before being read; the message says why, for the uploader."""


def validate_size(upload: Any) -> None:
    """A form's check of an uploaded file's size, before it is stored or read."""
    if upload is not None and upload.size > max_upload_bytes():
        raise ValidationError(
            _("文件过大:最多 %(max)s MB"),
            code="file_too_large",
            params={"max": max_upload_bytes() // (1024 * 1024)},
        )


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


# Cell references (`<c r="CV100000"`), row numbers and the declared dimension of a worksheet.
# Simple patterns on purpose: the scan runs over every byte of the inflated sheet.
XLSX_COLUMN = re.compile(rb' r="([A-Z]{1,3})[0-9]')
XLSX_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*? r="([0-9]{1,7})"')
XLSX_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\b[^>]*? ref="(?:[A-Z]+[0-9]+:)?([A-Z]{1,3})([0-9]{1,7})"'
)
ODS_REPEAT = re.compile(rb'number-(rows|columns)-repeated="([0-9]+)"')


def _chunks(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterable[bytes]:
    # Overlapping chunks, so a reference cut by a chunk border is seen whole in the next one.
    tail = b""
    with book.open(info) as member:
        while block := member.read(CHUNK):
            yield tail + block
            tail = block[-64:]


def _check_extent(rows: int, columns: int, name: str) -> None:
    max_rows = limit("UPLOAD_MAX_ROWS", 200_000)
    max_columns = limit("UPLOAD_MAX_COLUMNS", 256)
    max_cells = limit("UPLOAD_MAX_CELLS", 5_000_000)
    if rows > max_rows or columns > max_columns or rows * columns > max_cells:
        raise RefusedFile(
            f"{name}: the sheet spans {rows} rows × {columns} columns; "
            f"at most {max_rows} rows, {max_columns} columns and {max_cells} cells are read"
        )


def _sheet_extent(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    rows = columns = 0
    for n, chunk in enumerate(_chunks(book, info)):
        if n == 0 and (declared := XLSX_DIMENSION.search(chunk)):
            columns, rows = _column_number(declared[1]), int(declared[2])
        letters = set(XLSX_COLUMN.findall(chunk))
        if letters:
            columns = max(columns, *(_column_number(x) for x in letters))
        numbers = XLSX_ROW.findall(chunk)
        if numbers:
            rows = max(rows, *(int(x) for x in numbers))
    return rows, columns


def _ods_extent(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    # A repeated row or column is expanded by readers: the largest repetition bounds it.
    rows = columns = 1
    for chunk in _chunks(book, info):
        for what, number in ODS_REPEAT.findall(chunk):
            if what == b"rows":
                rows = max(rows, int(number))
            else:
                columns = max(columns, int(number))
    return rows, columns


def check_workbook(path: str | Path, name: str | None = None) -> None:
    """Refuse (RefusedFile) a file too large, a zip bomb, or a sheet beyond the caps."""
    path = Path(path)
    shown = name or path.name
    size = path.stat().st_size
    if size > max_upload_bytes():
        raise RefusedFile(f"{shown}: {size} bytes, at most {max_upload_bytes()} are accepted")
    if Path(shown).suffix.lower() not in ZIP_SUFFIXES:
        return
    try:
        book = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise RefusedFile(f"{shown}: not a readable workbook ({exc})") from exc
    with book:
        members = book.infolist()
        inflated = sum(i.file_size for i in members)
        max_inflated = limit("UPLOAD_MAX_INFLATED_BYTES", 300 * 1024 * 1024)
        if len(members) > 10_000 or inflated > max_inflated:
            raise RefusedFile(f"{shown}: inflates to {inflated} bytes, beyond {max_inflated}")
        for info in members:
            if info.file_size > 1024 * 1024 and info.file_size > 200 * max(info.compress_size, 1):
                raise RefusedFile(f"{shown}: {info.filename} is compressed beyond any workbook")
        for info in members:
            if re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                _check_extent(*_sheet_extent(book, info), shown)
            elif info.filename == "content.xml":
                _check_extent(*_ods_extent(book, info), shown)


# Folders under MEDIA_ROOT holding uploaded files (imports) and files made from them (jobs).
STORED = ("imports", "jobs")


def retention() -> dt.timedelta:
    return dt.timedelta(days=limit("UPLOAD_RETENTION_DAYS", 90))


def sweep_stored() -> list[Path]:
    """Remove the uploaded and generated files kept longer than the retention period; the
    jobs that named them keep their reports, and a download of a removed file is a 404."""
    removed: list[Path] = []
    for folder in STORED:
        removed += sweep(Path(settings.MEDIA_ROOT) / folder, older_than=retention())
    return removed


def sweep(folder: str | Path, *, older_than: dt.timedelta, now: Any = None) -> list[Path]:
    """Remove the files under `folder` last written longer than `older_than` ago."""
    import time

    folder = Path(folder)
    if not folder.is_dir():
        return []
    cutoff = (now or time.time()) - older_than.total_seconds()
    removed = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink()
            removed.append(path)
    return removed
