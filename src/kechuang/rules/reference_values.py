"""Measure values and test truth for the reference evaluator: plain Python, exact Fractions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kechuang.rules.fields import BY_KEY, scale
from kechuang.rules.spec import AllOf, Band, Compare, Measure, Spec, Test

Record = dict[str, Any]
_DIVISION = re.compile(r"^[0-9]{2}$")


@dataclass
class Value:
    ok: bool
    codes: list[str]  # reason codes that apply when not ok
    num: int | None = None  # exact integers, as the engine holds them
    den: int | None = None
    flag: bool | None = None
    text: str | None = None
    key: int | float | None = None


class Reader:
    def __init__(self, spec: Spec, record: Record) -> None:
        self.spec = spec
        self.years: dict[int, dict[str, Any]] = record["years"]
        self.present = sorted(y for y in self.years if y <= spec.year)

    def get(self, key: str, year: int | None) -> Any:
        if year is not None:
            return self.years.get(year, {}).get(key)
        for y in reversed(self.present):
            v = self.years[y].get(key)
            if v is not None:
                return v
        return None

    def units(self, key: str, year: int | None) -> int | None:
        """Integers as the engine holds them: fen for money (exact, two decimals at most)."""
        v = self.get(key, year)
        if v is None:
            return None
        return int(Decimal(v) * 100) if BY_KEY[key].kind == "money" else int(v)


def measure_value(m: Measure, spec: Spec, r: Reader) -> Value:
    nc = f"not_computable:{m.name}"
    if m.kind == "field" and m.vtype != "number":
        raw = r.get(m.field or "", m.year)
        if raw is None and m.default is not None:
            raw = m.default
        codes = [] if m.default is not None else [f"missing:{m.field}"]
        if m.vtype == "bool":
            return Value(raw is not None, codes, flag=raw)
        return Value(raw is not None, codes, text=raw)
    if m.kind in ("field", "convert"):
        n = r.units(m.field or "", m.year)
        if n is None:
            return Value(False, [f"missing:{m.field}"])
        rate = m.rate or Fraction(1)
        return Value(True, [], n * rate.numerator, scale(m.field or "") * rate.denominator, key=n)
    if m.kind == "ratio":
        n, d = r.units(m.num or "", m.year), r.units(m.den or "", m.year)
        codes = [f"missing:{m.num}"] if n is None else []
        codes += [f"missing:{m.den}"] if d is None else []
        if codes:
            return Value(False, codes)
        assert n is not None and d is not None
        if d <= 0:
            return Value(False, [nc])
        return _numeric(n * scale(m.den or ""), d * scale(m.num or ""))
    if m.kind in ("growth", "cagr"):
        assert m.year is not None
        e, b = r.units(m.field or "", m.year), r.units(m.field or "", m.year - m.span)
        if e is None or b is None:
            return Value(False, [f"missing:{m.field}"])
        if b <= 0 or e < 0:
            return Value(False, [nc])
        return _numeric(e, b)
    if m.kind == "window":
        return _window(m, r)
    if m.kind == "age":
        born = r.get("founded_on", None)
        if born is None:
            return Value(False, ["missing:founded_on"])
        on = spec.age_as_of
        age = on.year - born.year - ((born.month, born.day) > (on.month, on.day))
        return Value(True, [], age, 1, key=age)
    if m.kind == "valid_on":
        day = r.get(m.field or "", m.year)
        if day is None:
            return Value(False, [f"missing:{m.field}"])
        return Value(True, [], flag=day >= spec.evaluation_date)
    assert m.kind == "division"
    code = r.get(m.field or "", m.year)
    if code is None:
        return Value(False, [f"missing:{m.field}"])
    division = re.sub(r"^[A-Za-z]+", "", code)[:2]
    if not _DIVISION.match(division):
        return Value(False, [nc])
    return Value(True, [], text=division)


def _numeric(num: int, den: int) -> Value:
    return Value(True, [], num, den, key=float(num) / float(den))


def _window(m: Measure, r: Reader) -> Value:
    born = r.get("founded_on", None)
    required = [y for y in m.years if born is None or y >= born.year]
    if m.agg == "any":
        vals = [r.get(m.field or "", y) for y in m.years]
        if all(v is None for v in vals):
            return Value(False, [f"missing:{m.field}"])
        return Value(True, [], flag=any(v is True for v in vals))
    fields = [f for f in (m.field, m.num, m.den) if f]
    missing = [f"missing:{f}" for f in fields if any(r.units(f, y) is None for y in required)]
    if missing:
        return Value(False, missing)
    if not required:
        return Value(False, [f"not_computable:{m.name}"])

    def total(f: str) -> int:
        return sum(r.units(f, y) or 0 for y in required)

    if m.agg == "ratio_of_sums":
        num, den = total(m.num or "") * scale(m.den or ""), total(m.den or "") * scale(m.num or "")
        if den <= 0:
            return Value(False, [f"not_computable:{m.name}"])
        return _numeric(num, den)
    num = total(m.field or "")
    den = scale(m.field or "") * (len(required) if m.agg == "mean" else 1)
    if m.agg == "sum":
        return Value(True, [], num, den, key=num)
    return _numeric(num, den)


def compare(spec: Spec, values: dict[str, Value], leaf: Compare) -> bool | None:
    v, m = values[leaf.measure], spec.measures[leaf.measure]
    if not v.ok:
        return None
    if m.vtype == "bool":
        return (v.flag == leaf.value) if leaf.op == "==" else (v.flag != leaf.value)
    if m.vtype == "text":
        if isinstance(leaf.value, tuple):
            return (v.text in leaf.value) == (leaf.op == "in")
        return (v.text == leaf.value) == (leaf.op == "==")
    assert isinstance(leaf.value, Fraction) and v.num is not None and v.den is not None
    value = Fraction(v.num, v.den)
    # For a growth rate, value is end/base and (end/base)^(1/n) − 1 ⋚ t ⇔ end/base ⋚ (t+1)^n.
    target = (leaf.value + 1) ** m.power if m.offset else leaf.value
    return {
        "<": value < target,
        "<=": value <= target,
        ">": value > target,
        ">=": value >= target,
        "==": value == target,
        "!=": value != target,
    }[leaf.op]


def truth(spec: Spec, values: dict[str, Value], test: Test) -> bool | None:
    if isinstance(test, Compare):
        return compare(spec, values, test)
    parts = [truth(spec, values, t) for t in test.items]
    if isinstance(test, AllOf):
        return False if False in parts else None if None in parts else True
    return True if True in parts else None if None in parts else False


def unknown_codes(spec: Spec, values: dict[str, Value], test: Test) -> list[str]:
    """Codes of the unknown leaves that leave an unknown test unknown."""
    if isinstance(test, Compare):
        return list(values[test.measure].codes)
    return [
        c
        for t in test.items
        if truth(spec, values, t) is None
        for c in unknown_codes(spec, values, t)
    ]


def band_cents(
    spec: Spec, values: dict[str, Value], measure: str, bands: Iterable[Band]
) -> int | None:
    if not values[measure].ok:
        return None
    for band in bands:
        if compare(spec, values, Compare(measure, ">=", band.min)):
            return band.points * 100
    return 0
