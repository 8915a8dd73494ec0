"""Turning one cell into one typed value, or a coded error. Plain Python, kept cheap.

Workbook readers hand numbers over as floats and dates as date/datetime objects; CSV gives
strings. Money becomes Decimal through the float's shortest repr, so 0.1 stays 0.1.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from kechuang.core import uscc as uscc_mod

FEN = Decimal("0.01")
MONEY_LIMIT = Decimal(10) ** 16  # max_digits=18 with two decimals
COUNT_LIMIT = 2_147_483_647
NOISE = Decimal("0.000001")  # float arithmetic leftovers in spreadsheet formulas
TRUE = frozenset({"1", "true", "t", "yes", "y", "是", "有", "√"})
FALSE = frozenset({"0", "false", "f", "no", "n", "否", "无", "×"})
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?年?$")


class CellError(ValueError):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    if len(text) > 200:
        raise CellError("too_long", max=200)
    return text


def parse_uscc(value: Any) -> str:
    try:
        return uscc_mod.parse(str(value)).value
    except uscc_mod.USCCError as exc:
        expected = ""
        if exc.code == "check":
            expected = uscc_mod.check_character(uscc_mod.compact(str(value))[:17])
        raise CellError(f"uscc_{exc.code}", expected=expected) from exc


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = _DATE.match(value.strip())
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
    raise CellError("not_date")


def make_year_parser(today: dt.date) -> Callable[[Any], int]:
    last = today.year

    def parse_year(value: Any) -> int:
        year: int | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            if float(value).is_integer():
                year = int(value)
        elif isinstance(value, str):
            m = _YEAR.match(value.strip())
            year = int(m[1]) if m else None
        if year is None or not 1949 <= year <= last:
            raise CellError("not_year", max=last)
        return year

    return parse_year


def parse_count(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("not_integer")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError("not_integer")
        n = int(value)
    else:
        text = str(value).strip().replace(",", "")
        try:
            n = int(text)
        except ValueError:
            try:
                f = float(text)
            except ValueError:
                raise CellError("not_integer") from None
            if not f.is_integer():
                raise CellError("not_integer") from None
            n = int(f)
    if n < 0:
        raise CellError("negative")
    if n > COUNT_LIMIT:
        raise CellError("too_large")
    return n


def parse_signed_money(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError("not_number")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("not_number")
        d = Decimal(repr(value))
    elif isinstance(value, int):
        d = Decimal(value)
    else:
        text = str(value).strip().replace(",", "").replace("¥", "").replace("￥", "")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise CellError("not_number") from None
        if not d.is_finite():
            raise CellError("not_number")
    if abs(d) >= MONEY_LIMIT:
        raise CellError("too_large")
    rounded = d.quantize(FEN, rounding=ROUND_HALF_UP)
    if rounded != d and abs(rounded - d) > NOISE:
        raise CellError("too_many_decimals")
    return rounded


def parse_money(value: Any) -> Decimal:
    d = parse_signed_money(value)
    if d < 0:
        raise CellError("negative")
    return d


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value == 1:
            return True
        if value == 0:
            return False
        raise CellError("not_bool")
    text = str(value).strip().casefold()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise CellError("not_bool")


def parse_code(value: Any) -> str:
    """A code cell: numbers lose their float tail (210102.0 → "210102")."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().upper()
