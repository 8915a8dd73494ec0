"""From a table of raw cells to typed rows, with every cell-level error reported.

Codes (region, industry, city, zone) are resolved here against reference tables read
once, so each distinct code is checked once whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kechuang.core import validation
from kechuang.core.models import HighTechZone, Industry, Region
from kechuang.core.reference import SHENFU_CODE
from kechuang.registry.importing import cells
from kechuang.registry.importing.cells import CellError
from kechuang.registry.importing.columns import (
    BY_KEY,
    ENTERPRISE_KEYS,
    YEAR_KEYS,
    column_letter,
    key_for_header,
)
from kechuang.registry.importing.reader import Table
from kechuang.registry.importing.report import ErrorReport, make_error

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Zone:
    id: int
    name: str
    city_id: str


@dataclass
class ParsedRow:
    number: int  # spreadsheet row
    uscc: str
    year: int
    ent: dict[str, Any]  # enterprise-level values given in this row
    values: list[Any]  # yearly values, aligned with Parsed.year_keys
    clean: bool = True  # no cell of the row had an error


@dataclass
class Parsed:
    columns: dict[str, int] = field(default_factory=dict)  # key -> 0-based column index
    year_keys: list[str] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)

    def letter(self, key: str) -> str:
        return column_letter(self.columns[key]) if key in self.columns else ""


def _zone_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


class References:
    """The reference codes an import resolves against, read in one query per table."""

    def __init__(self) -> None:
        self.regions: set[str] = set()
        self.cities: dict[str, str] = {}  # code or name -> code
        for code, name, level in Region.objects.values_list("code", "name", "level"):
            if level in ("county", "city") and code.isdigit():
                self.regions.add(code)
            if level in ("city", "reporting_unit"):
                self.cities[code] = code
                self.cities[_zone_key(name)] = code
        self.divisions: dict[str, str | None] = dict(
            Industry.objects.filter(level="division").values_list("code", "parent_id")
        )
        self.zones: dict[str, Zone] = {
            _zone_key(name): Zone(pk, name, city)
            for pk, name, city in HighTechZone.objects.values_list("id", "name", "city_id")
        }

    def region(self, value: Any) -> str:
        code = cells.parse_code(value)
        if code not in self.regions:
            raise CellError("region_unknown", value=code)
        return code

    def industry(self, value: Any) -> str:
        """`C39`, `39`, `391`, `C3911` → the division `39`."""
        raw = cells.parse_code(value)
        section = raw[0] if raw[:1].isalpha() else ""
        digits = raw[1:] if section else raw
        if len(digits) == 1 and not section:
            digits = "0" + digits
        division = digits[:2]
        if not digits.isdigit() or len(digits) > 4 or division not in self.divisions:
            raise CellError("industry_unknown", value=raw)
        if section and self.divisions[division] != section:
            raise CellError("industry_unknown", value=raw)
        return division

    def city(self, value: Any) -> str:
        text = cells.parse_code(value)
        code = self.cities.get(text) or self.cities.get(_zone_key(str(value)))
        if code is None:
            raise CellError("city_unknown", value=text)
        return code

    def zone(self, value: Any) -> Zone:
        zone = self.zones.get(_zone_key(str(value)))
        if zone is None:
            raise CellError("zone_unknown", value=str(value).strip())
        return zone


SHENFU_PARENT_CITIES = frozenset({"210100", "210400"})  # Shenyang and Fushun


def city_accepts(city: str, region: str) -> bool:
    """Whether reporting unit `city` may hold an organisation in county `region`."""
    if city == SHENFU_CODE:
        return region[:4] + "00" in SHENFU_PARENT_CITIES
    return region[:4] == city[:4]


def _bounded(parse: Callable[[Any], Any], check: Callable[..., Any]) -> Callable[[Any], Any]:
    """`parse`, then the plausibility `check` of core/validation.py, as a cell error."""

    def convert(value: Any) -> Any:
        try:
            return check(parse(value))
        except validation.Implausible as exc:
            raise CellError(exc.code) from exc

    return convert


def _converters(refs: References, today: dt.date) -> dict[str, Callable[[Any], Any]]:
    founded = _bounded(cells.parse_date, lambda d: validation.check_founded(d, today))

    by_kind: dict[str, Callable[[Any], Any]] = {
        "date": cells.parse_date,
        "count": cells.parse_count,
        "money": cells.parse_money,
        "signed_money": cells.parse_signed_money,
        "bool": cells.parse_bool,
    }
    conv = {key: by_kind[BY_KEY[key].kind] for key in YEAR_KEYS}
    conv.update(
        staff=_bounded(cells.parse_count, validation.check_staff),
        tech_staff=_bounded(cells.parse_count, validation.check_staff),
        high_tech_cert_valid_to=_bounded(
            cells.parse_date, lambda d: validation.check_certificate_valid_to(d, today)
        ),
        name=_bounded(cells.parse_text, validation.clean_name),
        founded_on=founded,
        region_code=refs.region,
        industry_code=refs.industry,
        city=refs.city,
        zone=refs.zone,
    )
    return conv


def map_header(table: Table, report: ErrorReport) -> dict[str, int]:
    columns: dict[str, int] = {}
    for idx, cell in enumerate(table.header):
        if cells.is_empty(cell):
            continue
        key = key_for_header(cell)
        letter = column_letter(idx)
        if key is None:
            report.add(make_error(1, "", letter, cell, "header_unknown", value=str(cell).strip()))
        elif key in columns:
            report.add(make_error(1, key, letter, cell, "header_duplicate", value=str(cell)))
        else:
            columns[key] = idx
    for key in ("uscc", "year"):
        if key not in columns:
            col = BY_KEY[key]
            report.add(make_error(1, key, "", f"{col.label} / {col.key}", "header_missing"))
    return columns


def parse_table(
    table: Table,
    refs: References,
    report: ErrorReport,
    *,
    today: dt.date,
    progress: Progress | None = None,
) -> Parsed:
    parsed = Parsed(columns=map_header(table, report))
    if report:
        return parsed
    columns = parsed.columns
    parsed.year_keys = [k for k in YEAR_KEYS if k in columns]
    conv = _converters(refs, today)
    year_specs = [(columns[k], k, conv[k]) for k in parsed.year_keys]
    ent_specs = [(columns[k], k, conv[k]) for k in ENTERPRISE_KEYS if k in columns]
    uscc_idx, year_idx = columns["uscc"], columns["year"]
    parse_year = cells.make_year_parser(today)
    is_empty = cells.is_empty
    total = len(table.rows)
    staff_pair = "staff" in columns and "tech_staff" in columns
    cost_pair = "rd_expense" in columns and "total_cost" in columns
    pos = {k: i for i, k in enumerate(parsed.year_keys)}

    def bad(number: int, key: str, idx: int, value: Any, exc: CellError) -> None:
        report.add(make_error(number, key, column_letter(idx), value, exc.code, **exc.params))

    usccs: dict[Any, str] = {}  # each enterprise repeats on several rows: check it once
    for i, raw in enumerate(table.rows):
        errors_before = report.total
        number = i + 2
        if progress and i % 5000 == 0:
            progress("validating", i, total)
        width = len(raw)
        value = raw[uscc_idx] if uscc_idx < width else None
        code = ""
        if is_empty(value):
            if all(is_empty(v) for v in raw):
                continue
            report.add(make_error(number, "uscc", column_letter(uscc_idx), value, "required"))
        elif value in usccs:
            code = usccs[value]
        else:
            try:
                code = usccs[value] = cells.parse_uscc(value)
            except CellError as exc:
                bad(number, "uscc", uscc_idx, value, exc)
        value = raw[year_idx] if year_idx < width else None
        year = 0
        if is_empty(value):
            report.add(make_error(number, "year", column_letter(year_idx), value, "required"))
        else:
            try:
                year = parse_year(value)
            except CellError as exc:
                bad(number, "year", year_idx, value, exc)
        values: list[Any] = []
        for idx, key, fn in year_specs:
            value = raw[idx] if idx < width else None
            if value is None or value == "":
                values.append(None)
                continue
            if value.__class__ is str:
                value = value.strip()
                if not value:
                    values.append(None)
                    continue
            try:
                values.append(fn(value))
            except CellError as exc:
                bad(number, key, idx, value, exc)
                values.append(None)
        ent: dict[str, Any] = {}
        for idx, key, fn in ent_specs:
            value = raw[idx] if idx < width else None
            if is_empty(value):
                continue
            try:
                ent[key] = fn(value)
            except CellError as exc:
                bad(number, key, idx, value, exc)
        if staff_pair:
            staff, tech = values[pos["staff"]], values[pos["tech_staff"]]
            if staff is not None and tech is not None and tech > staff:
                report.add(
                    make_error(
                        number,
                        "tech_staff",
                        parsed.letter("tech_staff"),
                        tech,
                        "tech_staff_gt_staff",
                        tech_staff=tech,
                        staff=staff,
                    )
                )
        if cost_pair:
            rd, cost = values[pos["rd_expense"]], values[pos["total_cost"]]
            if rd is not None and cost is not None and rd > cost:
                report.add(
                    make_error(
                        number,
                        "rd_expense",
                        parsed.letter("rd_expense"),
                        rd,
                        "rd_gt_cost",
                        rd=rd,
                        cost=cost,
                    )
                )
        # Rows with a bad cell still take part in the checks across rows (duplicates, names).
        if code and year:
            parsed.rows.append(
                ParsedRow(number, code, year, ent, values, clean=report.total == errors_before)
            )
    if progress:
        progress("validating", total, total)
    return parsed
