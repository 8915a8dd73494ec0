"""Measures and tests as Polars expressions over the prepared frame.

A numeric measure is the exact fraction num/den (Int128, den > 0) raised to 1/power, minus
offset; a comparison with a threshold p/q is done on integers (`num·q ≥ p·den`, or for a growth
rate `num·qⁿ ≥ (p+q)ⁿ·den`), so a value exactly on a band edge always lands in the band above.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import reduce

import polars as pl

from kechuang.rules.fields import scale
from kechuang.rules.prepare import column, ymd_column
from kechuang.rules.spec import AllOf, AnyOf, Compare, Measure, Spec, Test

I128 = pl.Int128()


def col(field: str, year: int | None) -> pl.Expr:
    return pl.col(column(field, year))


def lit(value: int) -> pl.Expr:
    return pl.lit(value, dtype=I128)


@dataclass
class MeasureExpr:
    ok: pl.Expr  # never null: the measure has a value
    codes: list[tuple[str, pl.Expr]]  # reason code -> when it applies (if not ok)
    num: pl.Expr | None = None  # Int128, null unless ok
    den: pl.Expr | None = None
    flag: pl.Expr | None = None
    text: pl.Expr | None = None
    key: pl.Expr | None = None  # what a percentile ranks on (monotone in the value)
    helpers: list[pl.Expr] | None = None  # columns computed in a stage before this one
    # The value is whole·factor/divisor (Int64 whole, positive constants): compared in Int64.
    linear: tuple[pl.Expr, int, int] | None = None
    # num and den as (Int64 input column, constant factor): with the columns' largest magnitudes
    # known, a comparison whose products fit in 64 bits is made there, four times faster.
    terms: tuple[tuple[str, int], tuple[str, int]] | None = None


def compile_measure(m: Measure, spec: Spec) -> MeasureExpr:
    nc = f"not_computable:{m.name}"
    if m.kind == "field" and m.vtype != "number":
        raw = col(m.field or "", m.year)
        if m.default is not None:
            raw = raw.fill_null(pl.lit(m.default))
            return MeasureExpr(pl.lit(True), [], flag=raw)
        codes = [(f"missing:{m.field}", raw.is_null())]
        if m.vtype == "bool":
            return MeasureExpr(raw.is_not_null(), codes, flag=raw)
        return MeasureExpr(raw.is_not_null(), codes, text=raw)
    if m.kind in ("field", "convert"):
        raw = col(m.field or "", m.year)
        ok = raw.is_not_null()
        rate = m.rate or Fraction(1)
        num = raw.cast(I128) * lit(rate.numerator)
        divisor = scale(m.field or "") * rate.denominator
        den = lit(divisor)
        linear = (raw, rate.numerator, divisor)
        return MeasureExpr(ok, [(f"missing:{m.field}", ~ok)], num, den, key=raw, linear=linear)
    if m.kind == "ratio":
        n, d = col(m.num or "", m.year), col(m.den or "", m.year)
        ok = n.is_not_null() & d.is_not_null() & (d > 0)
        sn, sd = scale(m.num or ""), scale(m.den or "")
        # Same units (yuan/yuan, people/people) cancel; otherwise bring both to the same unit.
        num = n if sn == sd else n.cast(I128) * lit(sd)
        den = d if sn == sd else d.cast(I128) * lit(sn)
        codes = [
            (f"missing:{m.num}", n.is_null()),
            (f"missing:{m.den}", d.is_null()),
            (nc, n.is_not_null() & d.is_not_null() & (d <= 0)),
        ]
        out = _numeric(ok, codes, num, den)
        same = sn == sd
        cn, cd = column(m.num or "", m.year), column(m.den or "", m.year)
        out.terms = ((cn, 1 if same else sd), (cd, 1 if same else sn))
        return out
    if m.kind in ("growth", "cagr"):
        assert m.year is not None
        e, b = col(m.field or "", m.year), col(m.field or "", m.year - m.span)
        both = e.is_not_null() & b.is_not_null()
        ok = both & (b > 0) & (e >= 0)
        codes = [(f"missing:{m.field}", ~both), (nc, both & ~ok)]
        out = _numeric(ok, codes, e, b)
        field = m.field or ""
        out.terms = ((column(field, m.year), 1), (column(field, m.year - m.span), 1))
        return out
    if m.kind == "window":
        return _window(m)
    if m.kind == "age":
        born = col("founded_on", None)
        on = spec.age_as_of
        # Dates as yyyymmdd integers (prepared once for every program): the difference of two
        # is the whole years between them times 10,000, plus a month-and-day part under 10,000
        # that is negative just when the anniversary is still to come.
        helper = f"_age.{m.name}"
        age = pl.col(helper)
        ok = born.is_not_null()
        codes = [("missing:founded_on", ~ok)]
        out = MeasureExpr(ok, codes, age, pl.lit(1), key=age, linear=(age, 1, 1))
        ymd = on.year * 10_000 + on.month * 100 + on.day
        out.helpers = [((pl.lit(ymd) - pl.col(ymd_column("founded_on"))) // 10_000).alias(helper)]
        return out
    if m.kind == "valid_on":
        raw = col(m.field or "", m.year)
        ok = raw.is_not_null()
        flag = raw >= pl.lit(spec.evaluation_date)
        return MeasureExpr(ok, [(f"missing:{m.field}", ~ok)], flag=flag)
    if m.kind == "division":
        raw = col(m.field or "", m.year)
        # The few distinct codes are parsed, then looked up: a regex per row costs far more.
        codes_seen = raw.unique(maintain_order=True)
        cut = codes_seen.str.replace(r"^[A-Za-z]+", "").str.slice(0, 2)
        parsed = pl.when(cut.str.contains(r"^[0-9]{2}$")).then(cut)
        helper = f"_division.{m.name}"
        division = pl.col(helper)  # a column of its own: the lookup is read several times
        good = division.is_not_null()
        codes = [(f"missing:{m.field}", raw.is_null()), (nc, raw.is_not_null() & ~good)]
        lookup = raw.replace_strict(codes_seen, parsed, return_dtype=pl.String)
        return MeasureExpr(good, codes, text=division, helpers=[lookup.alias(helper)])
    raise AssertionError(m.kind)


def _numeric(
    ok: pl.Expr, codes: list[tuple[str, pl.Expr]], num: pl.Expr, den: pl.Expr
) -> MeasureExpr:
    return MeasureExpr(
        ok, codes, num, den, key=_sort_bits(num.cast(pl.Float64) / den.cast(pl.Float64))
    )


_SIGN_OFF = pl.lit(2**63 - 1, pl.Int64)


def _sort_bits(x: pl.Expr) -> pl.Expr:
    """An Int64 that orders as the Float64 does: cohort rankings sort it a third faster.

    A float's bits, read as an integer, order non-negative values; flipping all but the sign
    bit of a negative one puts it below them, reversed. No NaN or −0.0 arises here: the
    denominator is positive and an integer zero divides to +0.0.
    """
    bits = x.reinterpret(dtype=pl.Int64)
    return pl.when(bits < 0).then(bits ^ _SIGN_OFF).otherwise(bits)


def _window(m: Measure) -> MeasureExpr:
    """Window measures read several years: their parts become helper columns first."""
    h = f"_w.{m.name}"
    if m.agg == "any":
        vals = [col(m.field or "", y) for y in m.years]
        helpers = [
            pl.all_horizontal([v.is_null() for v in vals]).alias(f"{h}.none"),
            pl.any_horizontal([v.fill_null(False) for v in vals]).alias(f"{h}.any"),
        ]
        none = pl.col(f"{h}.none")
        flag = pl.when(none).then(None).otherwise(pl.col(f"{h}.any"))
        return MeasureExpr(~none, [(f"missing:{m.field}", none)], flag=flag, helpers=helpers)
    born = col("founded_on", None)
    # Years before the founding year are not asked for: a young firm averages over fewer years.
    # "Founded in y or before" is a date comparison, cheaper than taking the year of the date.
    required = {y: born.is_null() | (born < pl.lit(date(y + 1, 1, 1))) for y in m.years}
    fields = [f for f in (m.field, m.num, m.den) if f]
    helpers = [pl.sum_horizontal([r.cast(pl.Int64) for r in required.values()]).alias(f"{h}.n")]
    for f in fields:
        helpers.append(
            pl.any_horizontal([required[y] & col(f, y).is_null() for y in m.years]).alias(
                f"{h}.miss.{f}"
            )
        )
        helpers.append(
            pl.sum_horizontal([pl.when(required[y]).then(col(f, y)).otherwise(0) for y in m.years])
            .cast(pl.Int64)
            .alias(f"{h}.sum.{f}")
        )
    count = pl.col(f"{h}.n")
    complete = ~pl.any_horizontal([pl.col(f"{h}.miss.{f}") for f in fields])

    def total(f: str) -> pl.Expr:
        return pl.col(f"{h}.sum.{f}")

    if m.agg == "ratio_of_sums":
        sn, sd = scale(m.num or ""), scale(m.den or "")
        num = total(m.num or "") if sn == sd else total(m.num or "").cast(I128) * lit(sd)
        den = total(m.den or "") if sn == sd else total(m.den or "").cast(I128) * lit(sn)
        ok = complete & (count >= 1) & (den > 0)
    else:
        num = total(m.field or "")
        den = pl.lit(scale(m.field or ""), pl.Int64)
        if m.agg == "mean":
            den = den * count
        ok = complete & (count >= 1)
    codes = [(f"missing:{f}", pl.col(f"{h}.miss.{f}")) for f in fields]
    codes.append((f"not_computable:{m.name}", complete & ~ok))
    key = pl.col(f"{h}.sum.{m.field}") if m.agg == "sum" else None
    out = (
        _numeric(ok, codes, num, den) if key is None else MeasureExpr(ok, codes, num, den, key=key)
    )
    out.helpers = helpers
    if m.agg == "sum":
        out.linear = (num, 1, scale(m.field or ""))
    return out


_I64 = (-(2**63), 2**63 - 1)


def _linear_compare(linear: tuple[pl.Expr, int, int], op: str, p: int, q: int) -> pl.Expr | None:
    """whole·factor/divisor ⋚ p/q as whole ⋚ a bound, exact for an integer whole.

    None where that does not hold (a bound out of the Int64 range, equality with a fraction).
    """
    whole, factor, divisor = linear
    if factor <= 0 or divisor <= 0:
        return None
    t = Fraction(divisor * p, factor * q)
    floor, ceil = t.numerator // t.denominator, -(-t.numerator // t.denominator)
    bound = {"<": ceil, "<=": floor, ">": floor, ">=": ceil}.get(op)
    if op in ("==", "!="):
        bound = t.numerator if t.denominator == 1 else None
    if bound is None or not _I64[0] <= bound <= _I64[1]:
        return None
    b = pl.lit(bound, pl.Int64)
    return {
        "<": whole < b,
        "<=": whole <= b,
        ">": whole > b,
        ">=": whole >= b,
        "==": whole == b,
        "!=": whole != b,
    }[op]


class Columns:
    """Names of the materialised measure columns, so later stages read them, not rebuild them."""

    def __init__(self, spec: Spec, bounds: Mapping[str, int] | None = None) -> None:
        self.spec = spec
        self.bounds = bounds or {}  # input column -> largest magnitude of its values
        self.exprs = {name: compile_measure(m, spec) for name, m in spec.measures.items()}
        self.leaf_names: dict[tuple[str, str, object], str] = {}

    def leaves(self, compares: Iterable[Compare]) -> list[pl.Expr]:
        """A stage with each distinct comparison as a Boolean column, read by all later tests.

        Tests, their reason codes and the cohort read the same comparisons many times over;
        each is computed once (wide integer products cost more than reading a column).
        """
        exprs: list[pl.Expr] = []
        names: dict[tuple[str, str, object], str] = {}
        for c in compares:
            key = (c.measure, c.op, c.value)
            if key not in names:
                names[key] = f"_t{len(names)}"
                exprs.append(self.compare(c.measure, c.op, c.value).alias(names[key]))
        self.leaf_names = names
        return exprs

    def materialise(self, keys: set[str]) -> list[list[pl.Expr]]:
        """Stages: window helpers; validity, yes-no and text values; numeric display values.

        Numerators and denominators stay expressions over the input columns: comparisons read
        them directly, so no wide integer column is ever stored.
        """
        helpers: list[pl.Expr] = []
        first: list[pl.Expr] = []
        second: list[pl.Expr] = []
        for name, me in self.exprs.items():
            m = self.spec.measures[name]
            helpers += me.helpers or []
            first.append(me.ok.alias(f"_ok.{name}"))
            if me.num is not None and me.den is not None:
                if name in keys:
                    first.append(pl.when(me.ok).then(me.key).alias(f"_key.{name}"))
                value = me.num.cast(pl.Float64) / me.den.cast(pl.Float64)
                if me.linear is not None and me.linear[1] == 1:
                    # The same float, without the wide product: an Int64 converts exactly as
                    # the Int128 of equal value does.
                    whole, _, divisor = me.linear
                    value = whole.cast(pl.Float64) / pl.lit(float(divisor))
                if m.power != 1:
                    value = value.pow(1 / m.power)
                second.append(pl.when(self.ok(name)).then(value - m.offset).alias(f"value_{name}"))
            elif me.flag is not None:
                first.append(pl.when(me.ok).then(me.flag).alias(f"value_{name}"))
            else:
                assert me.text is not None
                first.append(pl.when(me.ok).then(me.text).alias(f"value_{name}"))
        return [s for s in (helpers, first, second) if s]

    def ok(self, name: str) -> pl.Expr:
        return pl.col(f"_ok.{name}")

    def codes(self, name: str) -> list[tuple[str, pl.Expr]]:
        return self.exprs[name].codes

    def key(self, name: str) -> pl.Expr:
        return pl.col(f"_key.{name}")

    def compare(
        self,
        name: str,
        op: str,
        value: Fraction | bool | str | tuple[str, ...],
        masked: bool = True,
    ) -> pl.Expr:
        """The test as a Boolean, unknown where the measure is (unless masked=False)."""
        if masked and (name, op, value) in self.leaf_names:
            return pl.col(self.leaf_names[(name, op, value)])
        m = self.spec.measures[name]
        if m.vtype == "bool":
            flag = pl.col(f"value_{name}")
            return flag if (op == "==") == bool(value) else ~flag
        if m.vtype == "text":
            text = pl.col(f"value_{name}")
            if isinstance(value, tuple):
                hit = pl.when(text.is_null()).then(None).otherwise(text.is_in(list(value)))
                return hit if op == "in" else ~hit
            return text.eq(value) if op == "==" else text.ne(value)
        assert isinstance(value, Fraction)
        me = self.exprs[name]
        assert me.num is not None and me.den is not None
        p, q = value.numerator, value.denominator
        if me.linear is not None and not m.offset:
            hit64 = _linear_compare(me.linear, op, p, q)
            if hit64 is not None:
                return pl.when(self.ok(name)).then(hit64) if masked else hit64
        # (num/den)^(1/n) − 1 ⋚ p/q  ⇔  num·qⁿ ⋚ (p+q)ⁿ·den, both sides ≥ 0 (p/q ≥ −1).
        by_num, by_den = (q**m.power, (p + q) ** m.power) if m.offset else (q, p)
        fits = self._in_64_bits(me.terms, by_num, by_den)
        if fits is not None:
            lhs, rhs = fits
        else:
            # Products in 128 bits: fen times a threshold's denominator cannot overflow.
            lhs = me.num.cast(I128) * lit(by_num)
            rhs = me.den.cast(I128) * lit(by_den)
        hit = {
            "<": lhs < rhs,
            "<=": lhs <= rhs,
            ">": lhs > rhs,
            ">=": lhs >= rhs,
            "==": lhs == rhs,
            "!=": lhs != rhs,
        }[op]
        return pl.when(self.ok(name)).then(hit) if masked else hit

    def _in_64_bits(
        self, terms: tuple[tuple[str, int], tuple[str, int]] | None, by_num: int, by_den: int
    ) -> tuple[pl.Expr, pl.Expr] | None:
        """num·by_num and den·by_den as Int64 products, if no value can overflow them."""
        if terms is None:
            return None
        sides = []
        for (name, factor), by in zip(terms, (by_num, by_den), strict=True):
            most = self.bounds.get(name)
            if most is None or most * abs(factor * by) > _I64[1]:
                return None
            sides.append(pl.col(name) * pl.lit(factor * by, pl.Int64))
        return sides[0], sides[1]

    def test(self, test: Test) -> pl.Expr:
        if isinstance(test, Compare):
            return self.compare(test.measure, test.op, test.value)
        parts = [self.test(t) for t in test.items]
        if isinstance(test, AllOf):
            return reduce(lambda a, b: a & b, parts)  # Kleene: false wins over unknown
        assert isinstance(test, AnyOf)
        return reduce(lambda a, b: a | b, parts)  # Kleene: true wins over unknown

    def test_codes(self, test: Test, ctx: pl.Expr) -> list[tuple[str, pl.Expr]]:
        """Codes of the unknown leaves that leave `test` unknown (ctx: this node is unknown)."""
        if isinstance(test, Compare):
            return [(code, ctx & fire) for code, fire in self.codes(test.measure)]
        out = []
        for item in test.items:
            out += self.test_codes(item, ctx & self.test(item).is_null())
        return out
