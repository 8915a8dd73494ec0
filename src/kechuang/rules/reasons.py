"""Reason codes as bits of integer masks while the stages run, as lists of codes at the end.

Each code is a bit of an integer mask (62 codes to a mask); masks become lists of codes after
collection, through the few distinct masks there are.
"""

from __future__ import annotations

from functools import reduce

import polars as pl

from kechuang.rules.measures import Columns
from kechuang.rules.plan import possible_reasons
from kechuang.rules.prepare import column
from kechuang.rules.spec import Spec
from kechuang.rules.stages import SCORE, in_top, output_columns, pc

_BITS = 62

Fires = list[tuple[str, pl.Expr]]


def reason_masks(spec: Spec, cols: Columns) -> list[pl.Expr]:
    """The mask columns `_rm<i>`: a code's bit is set where any of its conditions fires."""
    fires: dict[str, list[pl.Expr]] = {}
    steps = (_eligibility_fires, _criteria_fires, _qualification_fires)
    for code, expr in (item for step in steps for item in step(spec, cols)):
        fires.setdefault(code, []).append(expr)
    codes = possible_reasons(spec)
    masks = []
    for start in range(0, max(len(codes), 1), _BITS):
        bits = [
            pl.when(pl.any_horizontal([e.fill_null(False) for e in fires[code]]))
            .then(pl.lit(1 << (i - start), pl.Int64))
            .otherwise(pl.lit(0, pl.Int64))
            for i, code in enumerate(codes[start : start + _BITS], start)
            if code in fires
        ]
        masks.append(pl.sum_horizontal(bits or [pl.lit(0, pl.Int64)]).alias(f"_rm{start // _BITS}"))
    return masks


def _eligibility_fires(spec: Spec, cols: Columns) -> Fires:
    """A condition that fails or is unknown; a cohort that cannot be told."""
    out: Fires = []
    for c in spec.eligibility:
        cond = pl.col(f"cond_{c.name}")
        out.append((f"ineligible:{c.name}", cond.not_()))
        out += cols.test_codes(c.test, cond.is_null())
    if spec.cohort:
        out += [(f"missing:{g}", pl.col(column(g, None)).is_null()) for g in spec.cohort.group_by]
        m = spec.cohort.stage_measure
        out += [(code, ~cols.ok(m) & e) for code, e in cols.codes(m)]
    return out


def _not_qualified_directly() -> pl.Expr:
    # A row qualified directly needs no points: their reasons would say nothing.
    return ~(pl.col("eligible") & pl.col("_direct"))


def _criteria_fires(spec: Spec, cols: Columns) -> Fires:
    """A criterion or adjustment that cannot be scored for want of data."""
    gate = _not_qualified_directly()
    out: Fires = []
    for cr in spec.criteria:
        if cr.kind in ("bands", "percentile"):
            m = cr.measure or ""
            out += [(code, gate & ~cols.ok(m) & e) for code, e in cols.codes(m)]
        elif cr.kind == "best":
            none = reduce(lambda a, b: a & b, [~cols.ok(o.measure) for o in cr.options])
            for o in cr.options:
                out += [(code, gate & none & e) for code, e in cols.codes(o.measure)]
        elif cr.test is not None:
            out += cols.test_codes(cr.test, gate & cols.test(cr.test).is_null())
    for a in spec.adjustments:
        out += cols.test_codes(a.test, gate & cols.test(a.test).is_null())
    return out


def _qualification_fires(spec: Spec, cols: Columns) -> Fires:
    """A score that does not pass; without a score, no direct qualification."""
    gate = _not_qualified_directly()
    out: Fires = []
    if spec.scored:
        score = pl.col(SCORE)
        rule = spec.pass_rule
        if rule.min_score is not None:
            out.append(("score_below_pass", gate & (score < rule.min_score * 100)))
        out += [(f"zero_points:{n}", gate & (pl.col(pc(n)) == 0)) for n in rule.nonzero]
        if rule.top_percent is not None:
            outside = gate & score.is_not_null() & ~in_top(rule.top_percent)
            out.append(("outside_top_percent", outside))
    else:
        for d in spec.direct:
            out += cols.test_codes(d.test, gate & pl.col(f"cond_{d.name}").is_null())
        out.append(("no_qualification", ~pl.col("_direct")))
    return out


def mask_names(spec: Spec) -> list[str]:
    return [f"_rm{i}" for i in range(max(len(possible_reasons(spec)) - 1, 0) // _BITS + 1)]


def finish(spec: Spec, frame: pl.DataFrame) -> pl.DataFrame:
    """Turn the reason masks into lists of codes, in the order of possible_reasons()."""
    return _with_reasons(spec, frame, _combos(spec, frame).collect()).collect()


def _combos(spec: Spec, frame: pl.DataFrame) -> pl.LazyFrame:
    """The distinct reason masks of a result: few, whatever the number of rows."""
    return frame.lazy().select(mask_names(spec)).unique()


def _with_reasons(spec: Spec, frame: pl.DataFrame, combos: pl.DataFrame) -> pl.LazyFrame:
    codes = possible_reasons(spec)
    masks = mask_names(spec)
    lists = [
        [codes[i * _BITS + b] for i, m in enumerate(row) for b in range(_BITS) if m >> b & 1]
        for row in combos.iter_rows()
    ]
    table = pl.Series("reasons", lists, dtype=pl.List(pl.String))
    if len(masks) == 1:
        # Look the mask up as an expression: the frame keeps its own chunks, nothing is copied.
        at = pl.int_range(len(lists), eager=True, dtype=pl.UInt32)
        index = pl.col(masks[0]).replace_strict(combos[masks[0]], at, return_dtype=pl.UInt32)
        reasons = pl.lit(table).gather(index).alias("reasons")
        return frame.lazy().with_columns(reasons).select(output_columns(spec))
    keyed = combos.with_columns(table)
    joined = frame.lazy().join(keyed.lazy(), on=masks, how="left", maintain_order="left")
    return joined.select(output_columns(spec))
