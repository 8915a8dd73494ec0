"""Uploaded workbooks are checked before they are read (size, zip bombs, extent of the
sheets), and stored uploads are removed after their retention period."""

from __future__ import annotations

import os
import time
import zipfile

import pytest
from openpyxl import Workbook

from kechuang.core import uploads
from kechuang.core.uploads import RefusedFile, check_workbook


def _book(path, *cells: str):
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "统一社会信用代码"
    for ref in cells:
        sheet[ref] = 1
    book.save(path)
    return path


def test_an_ordinary_workbook_passes(tmp_path):
    check_workbook(_book(tmp_path / "ok.xlsx", "AN2000"))


def test_a_tiny_workbook_with_a_far_cell_is_refused_before_reading(tmp_path):
    path = _book(tmp_path / "far.xlsx", "CV100000")
    assert path.stat().st_size < 10_000
    with pytest.raises(RefusedFile, match="100000 rows × 100 columns"):
        check_workbook(path)


def test_too_many_rows_or_columns_are_refused(tmp_path):
    with pytest.raises(RefusedFile):
        check_workbook(_book(tmp_path / "rows.xlsx", "A300000"))
    with pytest.raises(RefusedFile):
        check_workbook(_book(tmp_path / "cols.xlsx", "ZZ1"))


def test_a_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", b"\0" * (50 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    with pytest.raises(RefusedFile, match="compressed beyond"):
        check_workbook(path)


def test_a_file_above_the_size_limit_is_refused(tmp_path, settings):
    settings.UPLOAD_MAX_BYTES = 100
    path = tmp_path / "big.csv"
    path.write_text("x" * 101)
    with pytest.raises(RefusedFile, match="at most 100"):
        check_workbook(path)


def test_stored_uploads_are_removed_after_the_retention_period(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_RETENTION_DAYS = 30
    old = tmp_path / "imports" / "2026" / "01" / "old.xlsx"
    new = tmp_path / "jobs" / "2026" / "12" / "new.xlsx"
    keep = tmp_path / "avatars" / "old.png"  # not an upload folder of ours
    for path in (old, new, keep):
        path.parent.mkdir(parents=True)
        path.write_bytes(b"x")
    past = time.time() - 31 * 86400
    os.utime(old, (past, past))
    os.utime(keep, (past, past))
    assert uploads.sweep_stored() == [old]
    assert not old.exists() and new.exists() and keep.exists()


def test_attachments_are_limited_in_type_content_and_size(settings):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploads.validate_attachment(SimpleUploadedFile("合同.pdf", b"%PDF-1.7 ..."))
    for bad in (
        SimpleUploadedFile("合同.html", b"<script>alert(1)</script>"),
        SimpleUploadedFile("合同.pdf", b"<script>alert(1)</script>"),
    ):
        with pytest.raises(ValidationError):
            uploads.validate_attachment(bad)
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        uploads.validate_attachment(SimpleUploadedFile("合同.pdf", b"%PDF-1.7 " + b"x" * 20))
