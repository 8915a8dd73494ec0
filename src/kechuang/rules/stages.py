"""The stages of compile(), each a list of expressions reading only the columns of earlier ones.

Polars evaluates the expressions of one stage side by side; a later stage reads their columns
instead of building them again. In the order they run:

1. comparisons: each distinct masked comparison of the spec (`Columns.leaves`);
2. row_points: what a row gives on its own — conditions, cohort, band and adjustment points;
3. cohort_ranks: the ranks of percentile measures within a cohort (window expressions);
4. combined_points: points read from earlier columns — the best option, a cohort's share;
5. totals: eligible, qualified directly, the score;
6. score_ranks: each score's place in its cohort (window expressions);
7. passing: the pass rule and the tier;
8. qualification: qualified by what, and the reason masks (`reasons.reason_masks`);
9. outcome: the verdict and points as written out.

Points are carried as integer hundredths ("cents") so that cohort percentiles and sums are
exact; specs without a cohort output whole points.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from functools import reduce
from typing import Any, cast

import polars as pl

from kechuang.rules.fields import BY_KEY
from kechuang.rules.measures import Columns
from kechuang.rules.prepare import column
from kechuang.rules.spec import Band, Compare, Criterion, Spec, Test, leaves

SCORE = "_score"


def pc(name: str) -> str:
    """The column of a criterion's or adjustment's points in cents."""
    return f"_pc.{name}"


def cases(pairs: Iterable[tuple[pl.Expr, Any]], otherwise: Any = None) -> pl.Expr:
    """The value of the first pair whose condition holds (an unknown condition does not)."""
    expr: Any = pl
    for hit, value in pairs:
        expr = expr.when(hit).then(value)
    assert expr is not pl, "cases() needs at least one pair"
    return cast(pl.Expr, expr.otherwise(otherwise))


def compares(spec: Spec) -> list[Compare]:
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


def rank_floors(spec: Spec) -> dict[str, Fraction]:
    """Per ranked measure, its lowest floor: a value above it ranks for every criterion."""
    floors: dict[str, Fraction] = {}
    for c in spec.criteria:
        if c.kind == "percentile" and c.measure:
            floors[c.measure] = min(floors.get(c.measure, c.floor), c.floor)
    return floors


# 2. row_points ------------------------------------------------------------------------------


def conditions(spec: Spec, cols: Columns) -> list[pl.Expr]:
    """Each eligibility and direct-qualification condition as a column `cond_<name>`."""
    return [cols.test(c.test).alias(f"cond_{c.name}") for c in (*spec.eligibility, *spec.direct)]


def cohort(spec: Spec, cols: Columns) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The stage of each enterprise and the columns naming its cohort; the cohort's keys."""
    if not spec.cohort:
        return [], []
    named, keys = _cohort_keys(spec, cols)
    return [_stage(spec, cols), *named], keys


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


def criterion_points(spec: Spec, cols: Columns) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """Each criterion's points: those a row earns on its own (bands, each option of a best-of),
    and those read from them or from the cohort ranks (the best option, a cohort's share)."""
    own: list[pl.Expr] = []
    combined: list[pl.Expr] = []
    for cr in spec.criteria:
        if cr.kind == "bands":
            own.append(_band_points(cols, cr.measure or "", cr.bands).alias(pc(cr.name)))
        elif cr.kind == "best":
            names = [f"points_{cr.name}__{o.name}" for o in cr.options]
            own += [
                _band_points(cols, o.measure, o.bands).alias(n)
                for o, n in zip(cr.options, names, strict=True)
            ]
            best = pl.max_horizontal([pl.col(n) for n in names])
            combined.append(best.alias(pc(cr.name)))
            # The first option wins a tie.
            pairs = [
                (pl.col(n) == best, pl.lit(o.name)) for o, n in zip(cr.options, names, strict=True)
            ]
            combined.append(cases(pairs).alias(f"option_{cr.name}"))
        else:
            combined.append(_cohort_points(spec, cols, cr))
    return own, combined


def _band_points(cols: Columns, measure: str, bands: Iterable[Band]) -> pl.Expr:
    hits = ((cols.compare(measure, ">=", b.min, masked=False), b.points * 100) for b in bands)
    pts = cases(hits, 0)
    return pl.when(cols.ok(measure)).then(pts).cast(pl.Int64)


def adjustments(spec: Spec, cols: Columns) -> list[pl.Expr]:
    """Each adjustment's points in cents: its points where the test holds, else none."""
    out = []
    for a in spec.adjustments:
        hit = cols.test(a.test).fill_null(False)
        out.append(pl.when(hit).then(a.points * 100).otherwise(0).cast(pl.Int64).alias(pc(a.name)))
    return out


# 3. cohort_ranks and 4. combined_points -----------------------------------------------------


def cohort_ranks(cols: Columns, floors: dict[str, Fraction], keys: list[pl.Expr]) -> list[pl.Expr]:
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


def _stage_weight(spec: Spec, cr: Criterion) -> pl.Expr:
    assert spec.cohort
    stages = spec.cohort.stages
    return cases((pl.col("stage") == st.name, cr.weights[st.name]) for st in stages).cast(pl.Int64)


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
    return pl.when(pl.col("stage").is_not_null()).then(pts).cast(pl.Int64).alias(pc(cr.name))


# 5. totals, 6. score_ranks, 7. passing ------------------------------------------------------


def totals(spec: Spec) -> list[pl.Expr]:
    """Eligible (every condition holds), qualified directly (and by which), the score."""
    elig = [pl.col(f"cond_{c.name}").fill_null(False) for c in spec.eligibility]
    direct = [pl.col(f"cond_{d.name}").fill_null(False) for d in spec.direct]
    return [
        reduce(lambda a, b: a & b, elig, pl.lit(True)).alias("eligible"),
        reduce(lambda a, b: a | b, direct, pl.lit(False)).alias("_direct"),
        cases(
            (hit, pl.lit(f"direct:{d.name}")) for hit, d in zip(direct, spec.direct, strict=True)
        ).alias("_direct_name")
        if spec.direct
        else pl.lit(None, pl.String).alias("_direct_name"),
        _total(spec).alias(SCORE),
    ]


def _total(spec: Spec) -> pl.Expr:
    if not spec.scored:
        return pl.lit(None, pl.Int64)
    parts = [pl.col(pc(n)) for n in point_names(spec)]
    total = pl.max_horizontal(reduce(lambda a, b: a + b, parts), pl.lit(0))
    return pl.when(pl.all_horizontal([p.is_not_null() for p in parts])).then(total).cast(pl.Int64)


def score_ranks(spec: Spec, keys: list[pl.Expr]) -> list[pl.Expr]:
    """How many of the cohort score higher, and how many score at all (none without a cohort)."""
    if not spec.cohort:
        return [pl.lit(0).alias("_higher"), pl.lit(0).alias("_scored")]
    score = pl.col(SCORE)
    higher = (score.rank("min", descending=True).over(keys) - 1).cast(pl.Int64)
    return [higher.alias("_higher"), score.count().over(keys).cast(pl.Int64).alias("_scored")]


def passing(spec: Spec) -> list[pl.Expr]:
    """Whether the score passes, and the tier a score falls in."""
    out = [_passes(spec).alias("_pass")]
    if spec.tiers:
        tier = cases((in_top(t.top_percent), pl.lit(t.name)) for t in spec.tiers)
        out.append(pl.when(pl.col(SCORE).is_not_null()).then(tier).alias("tier"))
    return out


def in_top(pct: Fraction) -> pl.Expr:
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
        ok = ok & (pl.col(pc(name)) != 0)
    if rule.top_percent is not None:
        ok = ok & in_top(rule.top_percent)
    return ok.fill_null(False)


# 8. qualification and 9. outcome ------------------------------------------------------------


def qualified_directly() -> pl.Expr:
    return pl.col("eligible") & pl.col("_direct")


def qualified_by() -> pl.Expr:
    """The direct condition that qualified the row, or "score", or none."""
    return cases(
        [
            (qualified_directly(), pl.col("_direct_name")),
            (pl.col("eligible") & pl.col("_pass"), pl.lit("score")),
        ],
        pl.lit(None, pl.String),
    ).alias("qualified_by")


def outcome(spec: Spec) -> list[pl.Expr]:
    """The verdict, the score and every criterion's points as written out, the spec's version."""
    return [
        cases([(pl.col("qualified_by").is_not_null(), pl.lit("pass"))], pl.lit("fail")).alias(
            "verdict"
        ),
        pl.when(qualified_directly())
        .then(None)
        .otherwise(points(spec, pl.col(SCORE)))
        .alias("score"),
        *[points(spec, pl.col(pc(n))).alias(f"points_{n}") for n in point_names(spec)],
        *[
            points(spec, pl.col(f"points_{c.name}__{o.name}")).alias(f"points_{c.name}__{o.name}")
            for c in spec.criteria
            for o in c.options
        ],
        pl.lit(spec.program).alias("program"),
        pl.lit(spec.version).alias("spec_version"),
    ]


def output_columns(spec: Spec) -> list[str]:
    """The columns of a result, in order."""
    out = [
        "uscc",
        "program",
        "spec_version",
        "eligible",
        "score",
        *[f"points_{n}" for n in point_names(spec)],
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


def point_names(spec: Spec) -> list[str]:
    return [c.name for c in spec.criteria] + [a.name for a in spec.adjustments]


def points(spec: Spec, cents: pl.Expr) -> pl.Expr:
    if spec.integer_points:
        return (cents // 100).cast(pl.Int64)
    # Decimal hundredths, exact at any size (a float would print 54.55 as 54.550000000000004):
    # the cents are the decimal's own integer, so it is a reinterpretation, not arithmetic (a
    # quarter of the time of a multiplication by 0.01).
    return cents.cast(pl.Int128).reinterpret(dtype=pl.Decimal(38, 2))
