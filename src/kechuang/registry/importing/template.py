"""The downloadable import template: one sheet, Chinese headers, the key and a hint on each."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from kechuang.registry.importing.columns import COLUMNS, column_letter


def template_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "企业年度数据"
    bold = Font(bold=True)
    required = PatternFill("solid", fgColor="FCE4D6")
    for idx, col in enumerate(COLUMNS):
        cell = sheet.cell(row=1, column=idx + 1, value=col.label)
        cell.font = bold
        if col.required:
            cell.fill = required
        hint = f"{col.key}" + (f"\n{col.help}" if col.help else "")
        if col.enterprise_level:
            hint += "\n企业级字段:多行重复时以最近年度为准"
        cell.comment = Comment(hint, "kechuang")
        sheet.column_dimensions[column_letter(idx)].width = max(12, min(40, len(col.label) * 2))
    sheet.freeze_panes = "C2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
