"""Excel export and import of technology contracts.

Import is atomic per row: each row is written in its own savepoint through the services
(submission, or registration of an already registered contract when it has a registration
date), so a bad row is reported by number and column and leaves nothing behind, while the
good rows go in. Reading and cell parsing are shared with the registry import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import Workbook

from kechuang.market import services
from kechuang.market.models import ContractDeduction, TechContract
from kechuang.registry.importing.cells import (
    CellError,
    is_empty,
    parse_code,
    parse_date,
    parse_money,
    parse_text,
)
from kechuang.registry.importing.reader import read_table
from kechuang.registry.importing.report import MESSAGES

EXTRA_MESSAGES = {"not_choice": "不是可选的值", "denied": "无权登记该合同"}


def _message(code: str, **params: Any) -> str:
    if code in MESSAGES:
        return MESSAGES[code][0].format(**params)
    return EXTRA_MESSAGES.get(code, code)


def _choice(choices: Iterable[tuple[str, Any]]) -> Callable[[Any], str]:
    by_label = {str(label): value for value, label in choices}
    values = {value for value, _label in choices}

    def parse(cell: Any) -> str:
        text = parse_text(cell)
        if text in values:
            return text
        if text in by_label:
            return by_label[text]
        raise CellError("not_choice")

    return parse


T = TechContract
# key, 中文表头, parser, required; the export writes the same columns.
COLUMNS: list[tuple[str, str, Callable[[Any], Any], bool]] = [
    ("number", "登记号", parse_code, False),
    ("registered_on", "登记日期", parse_date, False),
    ("title", "合同名称", parse_text, True),
    ("type", "合同类型", _choice(T.Type.choices), True),
    ("subtype", "合同子类", _choice(T.Subtype.choices), True),
    ("seller_uscc", "卖方统一社会信用代码", parse_code, False),
    ("seller_name", "卖方名称", parse_text, False),
    ("seller_region_code", "卖方所在地代码", parse_code, False),
    ("buyer_uscc", "买方统一社会信用代码", parse_code, False),
    ("buyer_name", "买方名称", parse_text, False),
    ("buyer_region_code", "买方所在地代码", parse_code, False),
    ("buyer_country", "买方国家/地区", parse_code, False),
    ("turnover", "成交额(元)", parse_money, True),
    *[
        (f"deduction_{k}", f"扣除-{label}(元)", parse_money, False)
        for k, label in ContractDeduction.Kind.choices
    ],
    ("tech_value", "技术交易额(元)", parse_money, False),
    ("signed_on", "签订日期", parse_date, True),
    ("effective_on", "生效日期", parse_date, True),
    ("valid_until", "有效期至", parse_date, False),
    ("field_id", "技术领域代码", parse_code, True),
    ("ip_type", "知识产权类型", _choice(T.IPType.choices), False),
    ("plan_level", "政府计划类别", _choice(T.PlanLevel.choices), False),
    ("status", "状态", parse_text, False),
]
READ_ONLY = {"tech_value", "status"}  # exported for reading; computed on import


@dataclass
class ImportOutcome:
    created: list[int] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # row, column, message


def export_contracts(contracts: Iterable[TechContract]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("技术合同")
    ws.append([label for _k, label, _p, _r in COLUMNS])
    ws.append([key for key, _l, _p, _r in COLUMNS])  # machine keys, skipped on import
    for c in contracts:
        cuts = {d.kind: d.amount for d in c.deductions.all()}
        row: list[Any] = []
        for key, _label, _parse, _req in COLUMNS:
            if key.startswith("deduction_"):
                row.append(cuts.get(key.removeprefix("deduction_")))
            elif key == "seller_uscc":
                org = c.seller_enterprise or c.seller_institution
                row.append(org.uscc if org else "")
            elif key == "buyer_uscc":
                org = c.buyer_enterprise or c.buyer_institution
                row.append(org.uscc if org else "")
            elif key in ("type", "subtype", "ip_type", "plan_level", "status"):
                row.append(getattr(c, f"get_{key}_display")())
            else:
                row.append(getattr(c, key))
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _header_map(header: list[Any]) -> dict[str, int]:
    names = {label: key for key, label, _p, _r in COLUMNS} | {k: k for k, *_ in COLUMNS}
    return {names[str(h).strip()]: i for i, h in enumerate(header) if str(h).strip() in names}


def _row_data(row: list[Any], cols: dict[str, int]) -> tuple[dict[str, Any], list[dict]]:
    data: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for key, label, parse, required in COLUMNS:
        if key in READ_ONLY:
            continue
        i = cols.get(key)
        cell = row[i] if i is not None and i < len(row) else None
        if is_empty(cell):
            if required:
                errors.append({"column": label, "message": _message("required")})
            continue
        try:
            data[key] = parse(cell)
        except CellError as exc:
            errors.append({"column": label, "message": _message(exc.code, **exc.params)})
    return data, errors


def import_contracts(path: str | Path, *, actor: Any, name: str | None = None) -> ImportOutcome:
    table = read_table(path, name)
    cols = _header_map(table.header)
    outcome = ImportOutcome()
    for index, row in enumerate(table.rows, start=2):
        if row and str(row[0]).strip() == "number":  # the machine-key row of an export
            continue
        data, errors = _row_data(row, cols)
        if errors:
            outcome.errors += [{"row": index, **e} for e in errors]
            continue
        deductions = [
            {"kind": k, "amount": data.pop(f"deduction_{k}")}
            for k, _l in ContractDeduction.Kind.choices
            if data.get(f"deduction_{k}") not in (None, Decimal("0"))
        ]
        for k, _l in ContractDeduction.Kind.choices:
            data.pop(f"deduction_{k}", None)
        number = data.pop("number", None)
        registered_on = data.pop("registered_on", None)
        try:
            with transaction.atomic():
                if registered_on:
                    c = services.contract_register_existing(
                        actor=actor,
                        data=data,
                        deductions=deductions,
                        registered_on=registered_on,
                        number=number,
                    )
                else:
                    c = services.contract_submit(
                        actor=actor, data=data, deductions=deductions, source="import"
                    )
        except ValidationError as exc:
            for message in exc.messages:
                outcome.errors.append({"row": index, "column": "", "message": message})
        except PermissionDenied:
            outcome.errors.append({"row": index, "column": "", "message": _message("denied")})
        else:
            outcome.created.append(c.pk)
    return outcome
