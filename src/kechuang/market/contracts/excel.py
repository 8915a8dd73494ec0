"""The columns of the technology-contract workbook, and its export.

The import (`market.contracts.importing`) reads the same columns, so that an exported file imports
back unchanged. Cell parsing is shared with the registry import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.utils import translation

from kechuang.core import exports
from kechuang.market.contracts.models import ContractDeduction, TechContract
from kechuang.registry.importing.cells import (
    CellError,
    parse_code,
    parse_date,
    parse_money,
    parse_text,
)

LANGUAGES = ("zh-hans", "en")


def _choice(choices: Iterable[tuple[str, Any]]) -> Callable[[Any], str]:
    """A parser taking a choice by its value or by its label in either language."""
    pairs = list(choices)
    known: dict[str, str] = {}

    def parse(cell: Any) -> str:
        if not known:
            for language in LANGUAGES:
                with translation.override(language):
                    known.update({str(label): value for value, label in pairs})
            known.update({value: value for value, _label in pairs})
        text = parse_text(cell)
        if text in known:
            return known[text]
        raise CellError("not_choice")

    return parse


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Chinese header; exports keep Chinese headers for every reader
    parse: Callable[[Any], Any]
    required: bool = False
    read_only: bool = False  # exported for reading; computed on import


T = TechContract
COLUMNS: list[Column] = [
    Column("number", "登记号", parse_code),
    Column("registered_on", "登记日期", parse_date),
    Column("title", "合同名称", parse_text, required=True),
    Column("type", "合同类型", _choice(T.Type.choices), required=True),
    Column("subtype", "合同子类", _choice(T.Subtype.choices), required=True),
    Column("seller_uscc", "卖方统一社会信用代码", parse_code),
    Column("seller_name", "卖方名称", parse_text),
    Column("seller_region_code", "卖方所在地代码", parse_code),
    Column("buyer_uscc", "买方统一社会信用代码", parse_code),
    Column("buyer_name", "买方名称", parse_text),
    Column("buyer_region_code", "买方所在地代码", parse_code),
    Column("buyer_country", "买方国家/地区", parse_code),
    Column("turnover", "成交额(元)", parse_money, required=True),
    *[
        Column(f"deduction_{k}", f"扣除-{label}(元)", parse_money)
        for k, label in ContractDeduction.Kind.choices
    ],
    Column("tech_value", "技术交易额(元)", parse_money, read_only=True),
    Column("signed_on", "签订日期", parse_date, required=True),
    Column("effective_on", "生效日期", parse_date, required=True),
    Column("valid_until", "有效期至", parse_date),
    Column("field_id", "技术领域代码", parse_code, required=True),
    Column("ip_type", "知识产权类型", _choice(T.IPType.choices)),
    Column("plan_level", "政府计划类别", _choice(T.PlanLevel.choices)),
    Column("status", "状态", parse_text, read_only=True),
]
BY_KEY = {c.key: c for c in COLUMNS}
DEDUCTION_KINDS = [k for k, _label in ContractDeduction.Kind.choices]


HEADERS = [[c.label for c in COLUMNS], [c.key for c in COLUMNS]]  # keys: skipped on import
SHEET = "技术合同"


def contract_rows(contracts: Iterable[TechContract]) -> Iterator[list[Any]]:
    """The contracts as rows of COLUMNS (deductions prefetched by the caller)."""
    for contract in contracts:
        cuts = {d.kind: d.amount for d in contract.deductions.all()}
        row: list[Any] = []
        for col in COLUMNS:
            key = col.key
            if key.startswith("deduction_"):
                row.append(cuts.get(key.removeprefix("deduction_")))
            elif key == "seller_uscc":
                org = contract.seller_enterprise or contract.seller_institution
                row.append(org.uscc if org else "")
            elif key == "buyer_uscc":
                buyer = contract.buyer_enterprise or contract.buyer_institution
                row.append(buyer.uscc if buyer else "")
            elif key in ("type", "subtype", "ip_type", "plan_level", "status"):
                row.append(getattr(contract, f"get_{key}_display")())
            else:
                row.append(getattr(contract, key))
        yield row


def export_contracts(contracts: Iterable[TechContract], fmt: exports.Format = "xlsx") -> bytes:
    out = BytesIO()
    exports.write(out, fmt, HEADERS, contract_rows(contracts), sheet=SHEET)
    return out.getvalue()
