"""Import of technology contracts from the workbook of `market.contracts.excel`: all or nothing.

Every row is checked — its cells, its identity against the other rows and the stored
contracts, and the registration services' own rules — inside one transaction. When anything
is wrong, or on a dry run, the transaction is rolled back and the report lists every error
by row and column, in Chinese and English. Otherwise every new row is in: a submission, or
a contract registered before when the row has a registration date.

A row that names a stored contract (by registration number, or else by seller, buyer, title
and signing date) with the same values is left alone, so that importing the same file twice
changes nothing the second time. With other values it is an error: a registered contract
changes by amendment registration, not by import.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.market.contracts import services
from kechuang.market.contracts.excel import BY_KEY, COLUMNS, DEDUCTION_KINDS, LANGUAGES
from kechuang.market.contracts.models import TechContract
from kechuang.registry.importing.cells import CellError, is_empty
from kechuang.registry.importing.columns import column_letter
from kechuang.registry.importing.reader import UnreadableFile, read_table
from kechuang.registry.importing.report import MESSAGES, ErrorReport, RowError, make_error

# code -> (Chinese, English), besides the registry import's codes.
CONTRACT_MESSAGES: dict[str, tuple[str, str]] = {
    "not_choice": ("不是可选的值", "Not one of the allowed values"),
    "denied": (
        "无权登记该合同:由合同登记地的登记机构办理",
        "Not allowed: the registration office of the contract's city registers it",
    ),
    "duplicate_contract": ("与第 {first} 行为同一合同", "The same contract as row {first}"),
    "number_taken": (
        "登记号已被其他合同使用",
        "The registration number belongs to another contract",
    ),
    "differs": (
        "与已有合同 {ref} 不一致(已存为“{stored}”);变更须办理变更登记",
        "Differs from the stored contract {ref} (stored: '{stored}'); "
        "changes are registered as amendments",
    ),
}
# Fields of the services' validation errors -> the column that carries them.
FIELD_COLUMNS = {
    "field": "field_id",
    "seller_enterprise": "seller_uscc",
    "seller_institution": "seller_uscc",
    "buyer_enterprise": "buyer_uscc",
    "buyer_institution": "buyer_uscc",
    "tech_value": "turnover",
}
# Columns compared with a stored contract (those given in the row).
COMPARED = (
    "title",
    "type",
    "subtype",
    "turnover",
    "signed_on",
    "effective_on",
    "valid_until",
    "field_id",
    "ip_type",
    "plan_level",
    "registered_on",
)
CHOICE_KEYS = ("type", "subtype", "ip_type", "plan_level")
CHUNK = 500


@dataclass
class ContractImportResult:
    ok: bool
    dry_run: bool
    total_rows: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: {"submitted": 0, "registered": 0, "unchanged": 0}
    )
    created: list[int] = field(default_factory=list)  # ids of new contracts (kept ones only)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    @property
    def changed(self) -> int:
        return self.counts["submitted"] + self.counts["registered"]


@dataclass
class _Row:
    number: int  # spreadsheet row; the header is row 1
    data: dict[str, Any]
    raw: dict[str, Any]
    clean: bool = True


def can_import(user: Any) -> bool:
    """Registration offices import: the province, and a city bureau for its city."""
    return scoping.role_of(user) in (Role.PROVINCE_ADMIN, Role.CITY_ADMIN)


def _error(row: int, key: str, letter: str, cell: Any, code: str, **params: Any) -> RowError:
    if code in MESSAGES:
        return make_error(row, key, letter, cell, code, **params)
    zh, en = CONTRACT_MESSAGES[code]
    return _text_error(row, key, letter, cell, code, zh.format(**params), en.format(**params))


def _text_error(
    row: int, key: str, letter: str, cell: Any, code: str, zh: str, en: str
) -> RowError:
    shown = "" if cell is None else str(cell)
    return RowError(row, key, letter, shown[:100], code, zh, en)


class _Sheet:
    """The header of the file mapped to columns, and the errors found so far."""

    def __init__(self, header: list[Any], report: ErrorReport) -> None:
        self.report = report
        self.cols: dict[str, int] = {}
        names = {c.label: c.key for c in COLUMNS} | {c.key: c.key for c in COLUMNS}
        for i, cell in enumerate(header):
            if is_empty(cell):
                continue
            text = str(cell).strip()
            key = names.get(text)
            if key is None:
                report.add(_error(1, "", column_letter(i), cell, "header_unknown", value=text))
            elif key in self.cols:
                report.add(_error(1, key, column_letter(i), cell, "header_duplicate", value=text))
            else:
                self.cols[key] = i
        for col in COLUMNS:
            if col.required and col.key not in self.cols:
                report.add(_error(1, col.key, "", None, "header_missing"))

    def letter(self, key: str) -> str:
        return column_letter(self.cols[key]) if key in self.cols else ""

    def add(self, row: _Row, key: str, code: str, **params: Any) -> None:
        row.clean = False
        self.report.add(_error(row.number, key, self.letter(key), row.raw.get(key), code, **params))

    def rows(self, table_rows: list[list[Any]]) -> Iterator[_Row]:
        title = self.cols["title"]
        for number, cells in enumerate(table_rows, start=2):
            if all(is_empty(v) for v in cells):
                continue
            if title < len(cells) and str(cells[title]).strip() == "title":
                continue  # the machine-key row of an export
            row = _Row(number, {}, {})
            for col in COLUMNS:
                i = self.cols.get(col.key)
                cell = cells[i] if i is not None and i < len(cells) else None
                row.raw[col.key] = cell
                if col.read_only:
                    continue
                if is_empty(cell):
                    if col.required:
                        self.add(row, col.key, "required")
                    continue
                try:
                    row.data[col.key] = col.parse(cell)
                except CellError as exc:
                    self.add(row, col.key, exc.code, **exc.params)
            yield row


def _party_key(data: dict[str, Any]) -> tuple[Any, ...]:
    seller = data.get("seller_uscc") or data.get("seller_name") or ""
    buyer = data.get("buyer_uscc") or data.get("buyer_name") or ""
    return (seller, buyer, data.get("title"), data.get("signed_on"))


def _stored_keys(c: TechContract) -> set[tuple[Any, ...]]:
    sellers = {c.seller_name} | {o.uscc for o in (c.seller_enterprise, c.seller_institution) if o}
    buyers = {c.buyer_name} | {o.uscc for o in (c.buyer_enterprise, c.buyer_institution) if o}
    return {(s, b, c.title, c.signed_on) for s in sellers for b in buyers}


def _stored(rows: list[_Row], actor: Any) -> tuple[dict[str, Any], dict[tuple[Any, ...], Any]]:
    """Stored contracts the rows may name: by number (any), and by party key (visible ones)."""
    numbers = sorted({r.data["number"] for r in rows if r.data.get("number")})
    titles = sorted(
        {r.data["title"] for r in rows if "title" in r.data and not r.data.get("number")}
    )
    base = TechContract.objects.select_related(
        "seller_enterprise", "seller_institution", "buyer_enterprise", "buyer_institution"
    ).prefetch_related("deductions")
    by_number: dict[str, Any] = {}
    by_party: dict[tuple[Any, ...], Any] = {}
    visible = scoping.visible(base, actor) if actor is not None else base
    visible_ids: set[int] = set()
    for i in range(0, len(numbers), CHUNK):
        found = list(base.filter(number__in=numbers[i : i + CHUNK]))
        visible_ids |= set(
            visible.filter(pk__in=[c.pk for c in found]).values_list("pk", flat=True)
        )
        by_number.update({str(c.number): c for c in found})
    for key, c in by_number.items():
        by_number[key] = c if c.pk in visible_ids else None  # None: taken, not for this user
    for i in range(0, len(titles), CHUNK):
        for c in visible.filter(title__in=titles[i : i + CHUNK]).order_by("id"):
            for k in _stored_keys(c):
                by_party.setdefault(k, c)
    return by_number, by_party


def _deductions(data: dict[str, Any]) -> dict[str, Decimal]:
    return {
        k: data[f"deduction_{k}"]
        for k in DEDUCTION_KINDS
        if data.get(f"deduction_{k}") not in (None, Decimal("0"))
    }


def _shown(c: TechContract, key: str) -> str:
    if key in CHOICE_KEYS:
        return str(getattr(c, f"get_{key}_display")())
    value = getattr(c, key)
    return value.isoformat() if isinstance(value, dt.date) else str(value or "")


def _compare(sheet: _Sheet, row: _Row, c: TechContract) -> bool:
    """Report each column where the row differs from the stored contract `c`."""
    differences: list[tuple[str, list[str]]] = []
    for key in COMPARED:
        if key in row.data and row.data[key] != getattr(c, key):
            shown = []
            for language in LANGUAGES:
                with translation.override(language):
                    shown.append(_shown(c, key))
            differences.append((key, shown))
    stored_cuts: dict[str, Decimal] = defaultdict(Decimal)
    for d in c.deductions.all():
        stored_cuts[d.kind] += d.amount
    cuts = _deductions(row.data)
    for kind in DEDUCTION_KINDS:
        if cuts.get(kind, Decimal("0")) != stored_cuts.get(kind, Decimal("0")):
            differences.append((f"deduction_{kind}", [str(stored_cuts.get(kind, ""))] * 2))
    zh, en = CONTRACT_MESSAGES["differs"]
    ref = c.number or c.title
    for key, (stored_zh, stored_en) in differences:
        row.clean = False
        sheet.report.add(
            _text_error(
                row.number,
                key,
                sheet.letter(key),
                row.raw.get(key),
                "differs",
                zh.format(ref=ref, stored=stored_zh),
                en.format(ref=ref, stored=stored_en),
            )
        )
    return not differences


def _messages(exc: ValidationError) -> Iterator[tuple[str, str, str, str]]:
    """(field, code, Chinese, English) for each message of a services' error."""
    if hasattr(exc, "error_dict"):
        items = list(exc.error_dict.items())
    else:
        items = [(NON_FIELD_ERRORS, exc.error_list)]
    for name, errors in items:
        for err in errors:
            texts = []
            for language in LANGUAGES:
                with translation.override(language):
                    texts.append(" ".join(str(m) for m in err.messages))
            yield name, err.code or "invalid", texts[0], texts[1]


def _column_of(name: str, code: str, row: _Row) -> str:
    if code == "unknown_uscc":
        return name.split("_")[0] + "_uscc"
    if name == NON_FIELD_ERRORS:
        return ""
    key = FIELD_COLUMNS.get(name, name)
    return key if key in BY_KEY else ""


def _write(row: _Row, actor: Any) -> TechContract:
    data = {k: v for k, v in row.data.items() if not k.startswith("deduction_")}
    deductions = [{"kind": k, "amount": v} for k, v in _deductions(row.data).items()]
    number = data.pop("number", None)
    registered_on = data.pop("registered_on", None)
    if registered_on:
        return services.contract_register_existing(
            actor=actor,
            data=data,
            deductions=deductions,
            registered_on=registered_on,
            number=number,
        )
    return services.contract_submit(actor=actor, data=data, deductions=deductions, source="import")


def _check_identity(sheet: _Sheet, rows: list[_Row], actor: Any) -> tuple[list[_Row], int]:
    """Report rows naming the same contract twice, or a stored one with other values.

    Returns the rows of new contracts, and the number of rows naming a stored contract
    with the same values."""
    by_number, by_party = _stored(rows, actor)
    first: dict[tuple[Any, ...], int] = {}
    new: list[_Row] = []
    unchanged = 0
    for row in rows:
        number = row.data.get("number")
        key = ("number", number) if number else ("party", *_party_key(row.data))
        identified = bool(number) or ("title" in row.data and "signed_on" in row.data)
        if identified and key in first:
            sheet.add(row, "number" if number else "", "duplicate_contract", first=first[key])
            continue
        first[key] = row.number
        if not row.clean:
            continue
        stored = by_number.get(number) if number else by_party.get(_party_key(row.data))
        if number and number in by_number and stored is None:
            sheet.add(row, "number", "number_taken")
        elif stored is None:
            new.append(row)
        elif _compare(sheet, row, stored):
            unchanged += 1
    return new, unchanged


def import_contracts(
    path: str | Path, *, actor: Any, dry_run: bool = False, name: str | None = None
) -> ContractImportResult:
    """Validate the file at `path` and, unless `dry_run` or anything is wrong, apply it."""
    scoping.require(can_import(actor))
    result = ContractImportResult(ok=False, dry_run=dry_run)
    report = ErrorReport()
    try:
        table = read_table(path, name)
    except (UnreadableFile, OSError) as exc:
        report.add(make_error(0, "", "", None, "file_unreadable", detail=str(exc)[:200]))
        return _finish(result, report)
    sheet = _Sheet(table.header, report)
    if report:
        return _finish(result, report)
    rows = list(sheet.rows(table.rows))
    result.total_rows = len(rows)
    if not rows:
        report.add(make_error(2, "", "", None, "file_empty"))
        return _finish(result, report)
    new, result.counts["unchanged"] = _check_identity(sheet, rows, actor)
    with transaction.atomic():
        for row in new:
            try:
                with transaction.atomic():
                    contract = _write(row, actor)
            except ValidationError as exc:
                for name_, code, zh, en in _messages(exc):
                    key = _column_of(name_, code, row)
                    cell = row.raw.get(key)
                    row.clean = False
                    report.add(_text_error(row.number, key, sheet.letter(key), cell, code, zh, en))
            except PermissionDenied:
                sheet.add(row, "", "denied")
            else:
                result.created.append(contract.pk)
                registered = contract.is_registered
                result.counts["registered" if registered else "submitted"] += 1
        if report or dry_run:
            transaction.set_rollback(True)
    if report:
        return _finish(result, report)
    if dry_run:
        result.created = []
    result.ok = True
    return result


def _finish(result: ContractImportResult, report: ErrorReport) -> ContractImportResult:
    result.ok = False
    result.created = []
    result.counts = dict.fromkeys(result.counts, 0)  # nothing was changed
    result.errors = [
        {**asdict(e), "label": BY_KEY[e.column].label if e.column in BY_KEY else ""}
        for e in report.sorted()
    ]
    result.error_count = report.total
    return result
