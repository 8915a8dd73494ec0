"""compile(spec) → Polars expressions; evaluate(spec, frame) → one row per enterprise.

Points are carried as integer hundredths ("cents") so that cohort percentiles and sums are
exact; specs without a cohort output whole points.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from functools import partial, reduce
from typing import Any, cast

import polars as pl

from kechuang.rules.fields import BY_KEY
from kechuang.rules.measures import Columns
from kechuang.rules.pivot import prepare
from kechuang.rules.plan import possible_reasons
from kechuang.rules.prepare import column
from kechuang.rules.spec import Band, Compare, Criterion, Spec, Test, leaves

SCORE = "_score"
_BITS = 62


@dataclass
class Compiled:
    spec: Spec
    stages: list[list[pl.Expr]]
    output: list[str]
    windowed: frozenset[int] = frozenset()  # stages of window expressions (cohort rankings)


def _pc(name: str) -> str:
    return f"_pc.{name}"


def cases(pairs: Iterable[tuple[pl.Expr, Any]], otherwise: Any = None) -> pl.Expr:
    """The value of the first pair whose condition holds (an unknown condition does not)."""
    expr: Any = pl
    for hit, value in pairs:
        expr = expr.when(hit).then(value)
    assert expr is not pl, "cases() needs at least one pair"
    return cast(pl.Expr, expr.otherwise(otherwise))


def _band_points(cols: Columns, measure: str, bands: Iterable[Band]) -> pl.Expr:
    hits = ((cols.compare(measure, ">=", b.min, masked=False), b.points * 100) for b in bands)
    pts = cases(hits, 0)
    return pl.when(cols.ok(measure)).then(pts).cast(pl.Int64)


def _stage_weight(spec: Spec, cr: Criterion) -> pl.Expr:
    assert spec.cohort
    stages = spec.cohort.stages
    return cases((pl.col("stage") == st.name, cr.weights[st.name]) for st in stages).cast(pl.Int64)


def _stage(spec: Spec, cols: Columns) -> pl.Expr:
    assert spec.cohort
    ch = spec.cohort
    pairs = [
        (
            pl.lit(True) if st.min is None else cols.compare(ch.stage_measure, ">=", st.min),
            pl.lit(st.name),
        )
        for st in reversed(ch.stages)
    ]
    return pl.when(cols.ok(ch.stage_measure)).then(cases(pairs)).alias("stage")


def _cohort_keys(spec: Spec, cols: Columns) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """Columns naming each enterprise's cohort, and the keys that group by them.

    Small integers group faster than text: a code becomes its category number and the stage its
    position, each null kept apart from every value, so the cohorts are the same.
    """
    assert spec.cohort
    ch = spec.cohort
    n = len(ch.stages)
    pairs = [
        (pl.lit(True) if st.min is None else cols.compare(ch.stage_measure, ">=", st.min), i)
        for i, st in reversed(list(enumerate(ch.stages)))
    ]
    stage = pl.when(cols.ok(ch.stage_measure)).then(cases(pairs)).cast(pl.Int64).fill_null(n)
    parts: list[pl.Expr] = []
    for g in ch.group_by:
        raw = pl.col(column(g, None))
        if BY_KEY[g].kind in ("code", "text"):
            raw = raw.cast(pl.Categorical).to_physical().cast(pl.Int64).fill_null(1 << 32)
        parts.append(raw)
    if len(parts) == 1 and BY_KEY[ch.group_by[0]].kind in ("code", "text"):
        # One code: category (< 2**32, null as 2**32) and stage packed in one Int64.
        return [(parts[0] * (n + 1) + stage).alias("_cohort")], [pl.col("_cohort")]
    named = [p.alias(f"_cohort{i}") for i, p in enumerate(parts)] + [stage.alias("_cohort_s")]
    return named, [pl.col(e.meta.output_name()) for e in named]


def _ranks(cols: Columns, floors: dict[str, Fraction], keys: list[pl.Expr]) -> list[pl.Expr]:
    """Per ranked measure: how many of the cohort are at or below the value, and how many rank.

    Percentile = share of the cohort at or below the value: equal values score equally. Values
    at or below the floor score nothing, so only those above it are ranked, on top of a count of
    the rest (many enterprises report no PCT application or financing: a smaller sort). These
    are columns of their own stage: window expressions of one context share their groups, while
    inside arithmetic each would group the rows again.
    """
    out: list[pl.Expr] = []
    for m in sorted(floors):
        known = pl.col("stage").is_not_null() & cols.ok(m)
        low = cols.compare(m, "<=", floors[m])
        above = pl.when(known & ~low).then(cols.key(m))
        out.append((known & low).sum().over(keys).cast(pl.Int64).alias(f"_below.{m}"))
        out.append(above.rank("max").over(keys).cast(pl.Int64).alias(f"_above.{m}"))
        out.append(known.sum().over(keys).cast(pl.Int64).alias(f"_size.{m}"))
    return out


def _cohort_points(spec: Spec, cols: Columns, cr: Criterion) -> pl.Expr:
    weight = _stage_weight(spec, cr) * 100
    if cr.kind == "flag":
        assert cr.test is not None
        hit = cols.test(cr.test)
        pts = cases([(hit, weight), (hit.is_not_null(), 0)])
    else:
        m = cr.measure or ""
        # Only values above the measure's lowest floor were ranked, on top of those below it.
        at_most = pl.col(f"_below.{m}") + pl.col(f"_above.{m}")
        size = pl.col(f"_size.{m}")
        low = cols.compare(m, "<=", cr.floor)
        pts = cases([(cols.ok(m) & low, 0), (cols.ok(m), weight * at_most // size)])
    if cr.missing == "zero":
        pts = pts.fill_null(0)
    return pl.when(pl.col("stage").is_not_null()).then(pts).cast(pl.Int64).alias(_pc(cr.name))


def _compares(spec: Spec) -> list[Compare]:
    """Every masked comparison the spec makes, in a fixed order."""
    tests: list[Test] = [c.test for c in (*spec.eligibility, *spec.direct)]
    tests += [a.test for a in spec.adjustments]
    tests += [cr.test for cr in spec.criteria if cr.test is not None]
    out = [leaf for t in tests for leaf in leaves(t)]
    if spec.cohort:
        m = spec.cohort.stage_measure
        out += [Compare(m, ">=", st.min) for st in spec.cohort.stages if st.min is not None]
    out += [
        Compare(cr.measure, "<=", cr.floor)
        for cr in spec.criteria
        if cr.kind == "percentile" and cr.measure
    ]
    return out


def compile(spec: Spec, bounds: Mapping[str, int] | None = None) -> Compiled:
    """The spec's stages of expressions.

    bounds: the largest magnitude of each integer input column, if known; comparisons whose
    products cannot overflow 64 bits are then made in 64 bits rather than 128.
    """
    cols = Columns(spec, bounds)
    s1 = cols.leaves(_compares(spec))
    s2: list[pl.Expr] = [
        cols.test(c.test).alias(f"cond_{c.name}") for c in (*spec.eligibility, *spec.direct)
    ]
    s3: list[pl.Expr] = []
    keys: list[pl.Expr] = []
    if spec.cohort:
        s2.append(_stage(spec, cols))
        cohort, keys = _cohort_keys(spec, cols)
        s2 += cohort
    for cr in spec.criteria:
        if cr.kind == "bands":
            s2.append(_band_points(cols, cr.measure or "", cr.bands).alias(_pc(cr.name)))
        elif cr.kind == "best":
            names = [f"points_{cr.name}__{o.name}" for o in cr.options]
            s2 += [
                _band_points(cols, o.measure, o.bands).alias(n)
                for o, n in zip(cr.options, names, strict=True)
            ]
            best = pl.max_horizontal([pl.col(n) for n in names])
            s3.append(best.alias(_pc(cr.name)))
            # The first option wins a tie.
            pairs = [
                (pl.col(n) == best, pl.lit(o.name)) for o, n in zip(cr.options, names, strict=True)
            ]
            s3.append(cases(pairs).alias(f"option_{cr.name}"))
        else:
            s3.append(_cohort_points(spec, cols, cr))
    for a in spec.adjustments:
        hit = cols.test(a.test).fill_null(False)
        s2.append(pl.when(hit).then(a.points * 100).otherwise(0).cast(pl.Int64).alias(_pc(a.name)))

    elig = [pl.col(f"cond_{c.name}").fill_null(False) for c in spec.eligibility]
    direct = [pl.col(f"cond_{d.name}").fill_null(False) for d in spec.direct]
    s4: list[pl.Expr] = [
        reduce(lambda a, b: a & b, elig, pl.lit(True)).alias("eligible"),
        reduce(lambda a, b: a | b, direct, pl.lit(False)).alias("_direct"),
        cases(
            (hit, pl.lit(f"direct:{d.name}")) for hit, d in zip(direct, spec.direct, strict=True)
        ).alias("_direct_name")
        if spec.direct
        else pl.lit(None, pl.String).alias("_direct_name"),
        _total(spec).alias(SCORE),
    ]
    score = pl.col(SCORE)
    s5: list[pl.Expr] = [pl.lit(0).alias("_higher"), pl.lit(0).alias("_scored")]
    if spec.cohort:
        higher = (score.rank("min", descending=True).over(keys) - 1).cast(pl.Int64)
        s5 = [higher.alias("_higher"), score.count().over(keys).cast(pl.Int64).alias("_scored")]
    qualified_direct = pl.col("eligible") & pl.col("_direct")
    s6: list[pl.Expr] = [_passes(spec).alias("_pass")]
    if spec.tiers:
        tier = cases((_in_top(t.top_percent), pl.lit(t.name)) for t in spec.tiers)
        s6.append(pl.when(score.is_not_null()).then(tier).alias("tier"))
    s7 = [
        cases(
            [
                (qualified_direct, pl.col("_direct_name")),
                (pl.col("eligible") & pl.col("_pass"), pl.lit("score")),
            ],
            pl.lit(None, pl.String),
        ).alias("qualified_by"),
        *_reasons(spec, cols),
    ]
    s8 = [
        cases([(pl.col("qualified_by").is_not_null(), pl.lit("pass"))], pl.lit("fail")).alias(
            "verdict"
        ),
        pl.when(qualified_direct).then(None).otherwise(_points(spec, score)).alias("score"),
        *[_points(spec, pl.col(_pc(n))).alias(f"points_{n}") for n in _point_names(spec)],
        *[
            _points(spec, pl.col(f"points_{c.name}__{o.name}")).alias(f"points_{c.name}__{o.name}")
            for c in spec.criteria
            for o in c.options
        ],
        pl.lit(spec.program).alias("program"),
        pl.lit(spec.version).alias("spec_version"),
    ]
    floors: dict[str, Fraction] = {}
    for c in spec.criteria:
        if c.kind == "percentile" and c.measure:
            # The lowest floor of a measure: a value above it ranks for every criterion.
            floors[c.measure] = min(floors.get(c.measure, c.floor), c.floor)
    ranked = set(floors)
    s2b = _ranks(cols, floors, keys) if spec.cohort else []
    stages = [*cols.materialise(ranked), s1, s2, s2b, s3, s4, s5, s6, s7, s8]
    columns = [c for c in output_columns(spec) if c != "reasons"] + _mask_names(spec)
    kept = [s for s in stages if s]
    windowed = frozenset(i for i, s in enumerate(kept) if spec.cohort and (s is s2b or s is s5))
    return Compiled(spec, kept, columns, windowed)


def output_columns(spec: Spec) -> list[str]:
    out = [
        "uscc",
        "program",
        "spec_version",
        "eligible",
        "score",
        *[f"points_{n}" for n in _point_names(spec)],
        "qualified_by",
        "verdict",
        "reasons",
        *[f"cond_{c.name}" for c in (*spec.eligibility, *spec.direct)],
        *[f"option_{c.name}" for c in spec.criteria if c.kind == "best"],
        *[f"points_{c.name}__{o.name}" for c in spec.criteria for o in c.options],
        *[f"value_{m}" for m in spec.measures],
    ]
    out += ["stage"] if spec.cohort else []
    out += ["tier"] if spec.tiers else []
    return out


def _total(spec: Spec) -> pl.Expr:
    if not spec.scored:
        return pl.lit(None, pl.Int64)
    parts = [pl.col(_pc(n)) for n in _point_names(spec)]
    total = pl.max_horizontal(reduce(lambda a, b: a + b, parts), pl.lit(0))
    return pl.when(pl.all_horizontal([p.is_not_null() for p in parts])).then(total).cast(pl.Int64)


def _point_names(spec: Spec) -> list[str]:
    return [c.name for c in spec.criteria] + [a.name for a in spec.adjustments]


def _points(spec: Spec, cents: pl.Expr) -> pl.Expr:
    if spec.integer_points:
        return (cents // 100).cast(pl.Int64)
    # Decimal hundredths, exact at any size (a float would print 54.55 as 54.550000000000004):
    # the cents are the decimal's own integer, so it is a reinterpretation, not arithmetic (a
    # quarter of the time of a multiplication by 0.01).
    return cents.cast(pl.Int128).reinterpret(dtype=pl.Decimal(38, 2))


def _in_top(pct: Fraction) -> pl.Expr:
    return pl.col("_higher") * 100 * pct.denominator < pl.col("_scored") * pct.numerator


def _passes(spec: Spec) -> pl.Expr:
    if not spec.scored:
        return pl.lit(False)
    rule = spec.pass_rule
    score = pl.col(SCORE)
    ok = score.is_not_null()
    if rule.min_score is not None:
        ok = ok & (score >= rule.min_score * 100)
    for name in rule.nonzero:
        ok = ok & (pl.col(_pc(name)) != 0)
    if rule.top_percent is not None:
        ok = ok & _in_top(rule.top_percent)
    return ok.fill_null(False)


def _reasons(spec: Spec, cols: Columns) -> list[pl.Expr]:
    fires: dict[str, list[pl.Expr]] = {}

    def add(items: list[tuple[str, pl.Expr]]) -> None:
        for code, expr in items:
            fires.setdefault(code, []).append(expr)

    for c in spec.eligibility:
        cond = pl.col(f"cond_{c.name}")
        add([(f"ineligible:{c.name}", cond.not_())])
        add(cols.test_codes(c.test, cond.is_null()))
    if spec.cohort:
        add([(f"missing:{g}", pl.col(column(g, None)).is_null()) for g in spec.cohort.group_by])
        m = spec.cohort.stage_measure
        add([(code, ~cols.ok(m) & e) for code, e in cols.codes(m)])
    gate = ~(pl.col("eligible") & pl.col("_direct"))
    for cr in spec.criteria:
        if cr.kind in ("bands", "percentile"):
            m = cr.measure or ""
            add([(code, gate & ~cols.ok(m) & e) for code, e in cols.codes(m)])
        elif cr.kind == "best":
            none = reduce(lambda a, b: a & b, [~cols.ok(o.measure) for o in cr.options])
            for o in cr.options:
                add([(code, gate & none & e) for code, e in cols.codes(o.measure)])
        elif cr.test is not None:
            add(cols.test_codes(cr.test, gate & cols.test(cr.test).is_null()))
    for a in spec.adjustments:
        add(cols.test_codes(a.test, gate & cols.test(a.test).is_null()))
    score = pl.col(SCORE)
    if spec.scored:
        rule = spec.pass_rule
        if rule.min_score is not None:
            add([("score_below_pass", gate & (score < rule.min_score * 100))])
        add([(f"zero_points:{n}", gate & (pl.col(_pc(n)) == 0)) for n in rule.nonzero])
        if rule.top_percent is not None:
            add([("outside_top_percent", gate & score.is_not_null() & ~_in_top(rule.top_percent))])
    else:
        for d in spec.direct:
            add(cols.test_codes(d.test, gate & pl.col(f"cond_{d.name}").is_null()))
        add([("no_qualification", ~pl.col("_direct"))])
    # Each code is a bit of an integer mask (62 codes to a mask); masks become lists of codes
    # after collection, through the few distinct masks there are.
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


def _mask_names(spec: Spec) -> list[str]:
    return [f"_rm{i}" for i in range(max(len(possible_reasons(spec)) - 1, 0) // _BITS + 1)]


def _combos(spec: Spec, frame: pl.DataFrame) -> pl.LazyFrame:
    """The distinct reason masks of a result: few, whatever the number of rows."""
    return frame.lazy().select(_mask_names(spec)).unique()


def _with_reasons(spec: Spec, frame: pl.DataFrame, combos: pl.DataFrame) -> pl.LazyFrame:
    """Turn the reason masks into lists of codes, in the order of possible_reasons()."""
    codes = possible_reasons(spec)
    masks = _mask_names(spec)
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


def finish(spec: Spec, frame: pl.DataFrame) -> pl.DataFrame:
    """Turn the reason masks into lists of codes, in the order of possible_reasons()."""
    return _with_reasons(spec, frame, _combos(spec, frame).collect()).collect()


def run(compiled: Compiled, wide: pl.LazyFrame) -> pl.DataFrame:
    """All stages, streamed, but for the window stages.

    The streaming engine groups the rows again for every window expression; the in-memory one
    groups them once for a whole stage of them (28 cohort counts: 1.47 s against 0.14 s).
    """
    lf = wide
    for i, stage in enumerate(compiled.stages):
        if i in compiled.windowed:
            done = lf.collect(engine="streaming")
            lf = done.lazy().with_columns(stage).collect(engine="in-memory").lazy()
        else:
            lf = lf.with_columns(stage)
    return lf.select(compiled.output).collect(engine="streaming")


def evaluate(spec: Spec, frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Evaluate one program over a long frame (exchange-formats §1 columns)."""
    wide = prepare(frame, [spec])
    return _evaluate_prepared(spec, wide.lazy(), bounds(wide))


def bounds(wide: pl.DataFrame) -> dict[str, int]:
    """The largest magnitude of each integer column (one pass over them all)."""
    ints = [c for c, t in wide.schema.items() if t == pl.Int64]
    if not ints or wide.height == 0:
        return {}
    row = wide.select(
        *[pl.col(c).max().alias(f"{c}.max") for c in ints],
        *[pl.col(c).min().alias(f"{c}.min") for c in ints],
    ).row(0)
    out: dict[str, int] = {}
    for i, c in enumerate(ints):
        high, low = row[i], row[len(ints) + i]
        if high is not None and low is not None:
            out[c] = max(abs(high), abs(low))
    return out


def evaluate_many(
    specs: Iterable[Spec], frame: pl.DataFrame | pl.LazyFrame
) -> dict[str, pl.DataFrame]:
    """Evaluate several programs, preparing the input once per evaluation year."""
    specs = list(specs)
    out: dict[str, pl.DataFrame] = {}
    for year in sorted({s.year for s in specs}):
        group = [s for s in specs if s.year == year]
        prepared = prepare(frame, group)
        wide, most = prepared.lazy(), bounds(prepared)

        # Each program runs to its end in a thread of its own (Polars releases the GIL while it
        # works), costliest first: the cheap ones, reasons and all, fill the other cores while
        # the cohort rankings run, with no wait for every program at each step.
        costliest = sorted(group, key=_cost, reverse=True)
        with ThreadPoolExecutor(max(1, min(len(group), os.cpu_count() or 1))) as pool:
            results = pool.map(partial(_evaluate_prepared, wide=wide, most=most), costliest)
            done = dict(zip(map(id, costliest), results, strict=True))
        out.update({f"{s.program}/{s.year}": done[id(s)] for s in group})
    return out


def _evaluate_prepared(spec: Spec, wide: pl.LazyFrame, most: dict[str, int]) -> pl.DataFrame:
    return finish(spec, run(compile(spec, most), wide))


def _cost(spec: Spec) -> tuple[int, int]:
    """Ranks within cohorts cost most, then criteria."""
    ranked = sum(1 for c in spec.criteria if c.kind == "percentile")
    return ranked, len(spec.criteria) + len(spec.adjustments)
