"""The same rules in plain Python, one enterprise at a time, with exact Fractions.

It shares nothing with the Polars engine but the spec and the order of reason codes, so the
property tests that hold the two equal test both. A record is
`{"uscc": str, "years": {fiscal_year: {field: value}}}` with money as Decimal yuan.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kechuang.rules.plan import possible_reasons
from kechuang.rules.reference_values import (
    Reader,
    Record,
    Value,
    band_cents,
    compare,
    measure_value,
    truth,
    unknown_codes,
)
from kechuang.rules.spec import Compare, Criterion, Spec


@dataclass
class _Row:
    uscc: str
    values: dict[str, Value]
    conds: dict[str, bool | None]
    cents: dict[str, int | None] = field(default_factory=dict)
    options: dict[str, str | None] = field(default_factory=dict)
    option_cents: dict[str, int | None] = field(default_factory=dict)
    stage: str | None = None
    group: tuple[Any, ...] = ()


def _first_pass(spec: Spec, record: Record) -> _Row:
    r = Reader(spec, record)
    values = {name: measure_value(m, spec, r) for name, m in spec.measures.items()}
    conds = {c.name: truth(spec, values, c.test) for c in (*spec.eligibility, *spec.direct)}
    row = _Row(record["uscc"], values, conds)
    if spec.cohort:
        ch = spec.cohort
        if values[ch.stage_measure].ok:
            for st in reversed(ch.stages):
                if st.min is None or compare(spec, values, Compare(ch.stage_measure, ">=", st.min)):
                    row.stage = st.name
                    break
        row.group = (*(r.get(g, None) for g in ch.group_by), row.stage)
    for cr in spec.criteria:
        if cr.kind == "bands":
            row.cents[cr.name] = band_cents(spec, values, cr.measure or "", cr.bands)
        elif cr.kind == "best":
            pts = {o.name: band_cents(spec, values, o.measure, o.bands) for o in cr.options}
            row.option_cents.update({f"{cr.name}__{k}": v for k, v in pts.items()})
            known = [v for v in pts.values() if v is not None]
            best = max(known) if known else None
            row.cents[cr.name] = best
            row.options[cr.name] = next(
                (k for k, v in pts.items() if best is not None and v == best), None
            )
    for a in spec.adjustments:
        row.cents[a.name] = a.points * 100 if truth(spec, values, a.test) is True else 0
    return row


def _cohort_points(spec: Spec, rows: list[_Row]) -> None:
    for cr in spec.criteria:
        if cr.kind not in ("percentile", "flag"):
            continue
        keys: dict[tuple[Any, ...], list[Any]] = {}
        if cr.kind == "percentile":
            for row in rows:
                v = row.values[cr.measure or ""]
                if row.stage is not None and v.ok:
                    keys.setdefault(row.group, []).append(v.key)
            for ks in keys.values():
                ks.sort()
        for row in rows:
            row.cents[cr.name] = _cohort_cents(spec, cr, row, keys)


def _cohort_cents(spec: Spec, cr: Criterion, row: _Row, keys: dict) -> int | None:
    if row.stage is None:
        return None
    weight = cr.weights[row.stage] * 100
    cents: int | None
    if cr.kind == "flag":
        assert cr.test is not None
        hit = truth(spec, row.values, cr.test)
        cents = None if hit is None else weight if hit else 0
    else:
        v = row.values[cr.measure or ""]
        if not v.ok:
            cents = None
        elif compare(spec, row.values, Compare(cr.measure or "", "<=", cr.floor)):
            cents = 0
        else:
            members = keys[row.group]
            cents = weight * bisect.bisect_right(members, v.key) // len(members)
    return 0 if cents is None and cr.missing == "zero" else cents


def _score(spec: Spec, row: _Row) -> int | None:
    if not spec.scored:
        return None
    parts = [row.cents[c.name] for c in spec.criteria] + [
        row.cents[a.name] for a in spec.adjustments
    ]
    if (spec.cohort and row.stage is None) or any(p is None for p in parts):
        return None
    return max(sum(p for p in parts if p is not None), 0)


def _finish(
    spec: Spec, row: _Row, score: int | None, higher: int | None, n: int | None
) -> dict[str, Any]:
    eligible = all(row.conds[c.name] is True for c in spec.eligibility)
    direct = [d.name for d in spec.direct if row.conds[d.name] is True]
    rule = spec.pass_rule

    def in_top(pct: Fraction) -> bool:
        return higher is not None and n is not None and higher * 100 < pct * n

    passes = spec.scored and score is not None
    if passes and rule.min_score is not None:
        passes = score is not None and score >= rule.min_score * 100
    passes = passes and all(row.cents[name] != 0 for name in rule.nonzero)
    if passes and rule.top_percent is not None:
        passes = in_top(rule.top_percent)
    qualified = (
        f"direct:{direct[0]}" if eligible and direct else "score" if eligible and passes else None
    )
    fired: set[str] = set()
    values = row.values
    for c in spec.eligibility:
        if row.conds[c.name] is False:
            fired.add(f"ineligible:{c.name}")
        elif row.conds[c.name] is None:
            fired.update(unknown_codes(spec, values, c.test))
    if spec.cohort:
        fired.update(
            f"missing:{g}"
            for g, v in zip(spec.cohort.group_by, row.group, strict=False)
            if v is None
        )
        fired.update(values[spec.cohort.stage_measure].codes)
    gate = not (eligible and direct)
    for cr in spec.criteria if gate else ():
        if cr.kind in ("bands", "percentile"):
            fired.update(values[cr.measure or ""].codes)
        elif cr.kind == "best":
            if not any(values[o.measure].ok for o in cr.options):
                fired.update(c for o in cr.options for c in values[o.measure].codes)
        elif cr.test is not None and truth(spec, values, cr.test) is None:
            fired.update(unknown_codes(spec, values, cr.test))
    for a in spec.adjustments if gate else ():
        if truth(spec, values, a.test) is None:
            fired.update(unknown_codes(spec, values, a.test))
    if spec.scored and gate:
        if rule.min_score is not None and score is not None and score < rule.min_score * 100:
            fired.add("score_below_pass")
        fired.update(f"zero_points:{n}" for n in rule.nonzero if row.cents[n] == 0)
        if rule.top_percent is not None and score is not None and not in_top(rule.top_percent):
            fired.add("outside_top_percent")
    elif not spec.scored:
        for d in spec.direct if gate else ():
            if row.conds[d.name] is None:
                fired.update(unknown_codes(spec, values, d.test))
        if not direct:
            fired.add("no_qualification")
    return _output(spec, row, eligible, qualified, score, higher, n, fired)


def _output(
    spec: Spec,
    row: _Row,
    eligible: bool,
    qualified: str | None,
    score: int | None,
    higher: int | None,
    n: int | None,
    fired: set[str],
) -> dict[str, Any]:
    def pts(cents: int | None) -> int | Decimal | None:
        if cents is None:
            return None
        return cents // 100 if spec.integer_points else Decimal(cents).scaleb(-2)

    out: dict[str, Any] = {
        "uscc": row.uscc,
        "program": spec.program,
        "spec_version": spec.version,
        "eligible": eligible,
        "score": None if qualified and qualified.startswith("direct:") else pts(score),
    }
    out.update({f"points_{k}": pts(v) for k, v in row.cents.items()})
    out["qualified_by"] = qualified
    out["verdict"] = "pass" if qualified else "fail"
    out["reasons"] = [c for c in possible_reasons(spec) if c in fired]
    out.update({f"cond_{k}": v for k, v in row.conds.items()})
    out.update({f"option_{k}": v for k, v in row.options.items()})
    out.update({f"points_{k}": pts(v) for k, v in row.option_cents.items()})
    for name, v in row.values.items():
        m = spec.measures[name]
        if m.vtype == "bool":
            out[f"value_{name}"] = v.flag if v.ok else None
        elif m.vtype == "text":
            out[f"value_{name}"] = v.text if v.ok else None
        elif v.ok and v.num is not None and v.den is not None:
            ratio = float(v.num) / float(v.den)
            out[f"value_{name}"] = (ratio ** (1 / m.power) if m.power != 1 else ratio) - m.offset
        else:
            out[f"value_{name}"] = None
    if spec.cohort:
        out["stage"] = row.stage
    if spec.tiers:
        tier = next(
            (
                t.name
                for t in spec.tiers
                if higher is not None and n is not None and higher * 100 < t.top_percent * n
            ),
            None,
        )
        out["tier"] = tier if score is not None else None
    return out


def reference_evaluate(spec: Spec, record: Record) -> dict[str, Any]:
    """Evaluate one enterprise. Cohort programs rank against others: use reference_evaluate_all."""
    if spec.cohort:
        raise ValueError(f"{spec.program} ranks within cohorts: use reference_evaluate_all")
    row = _first_pass(spec, record)
    return _finish(spec, row, _score(spec, row), None, None)


def reference_evaluate_all(spec: Spec, records: Iterable[Record]) -> list[dict[str, Any]]:
    rows = [_first_pass(spec, rec) for rec in records]
    if not spec.cohort:
        return [_finish(spec, row, _score(spec, row), None, None) for row in rows]
    _cohort_points(spec, rows)
    scores = [_score(spec, row) for row in rows]
    by_group: dict[tuple[Any, ...], list[int]] = {}
    for row, s in zip(rows, scores, strict=True):
        if s is not None:
            by_group.setdefault(row.group, []).append(s)
    for ss in by_group.values():
        ss.sort()
    out = []
    for row, s in zip(rows, scores, strict=True):
        if s is None:
            out.append(_finish(spec, row, None, None, None))
            continue
        group = by_group[row.group]
        higher = len(group) - bisect.bisect_right(group, s)
        out.append(_finish(spec, row, s, higher, len(group)))
    return out
