"""The reason codes a spec can give, in the one order both evaluators list them."""

from __future__ import annotations

from kechuang.rules.spec import Measure, Spec, Test, leaves


def measure_codes(m: Measure) -> list[str]:
    nc = f"not_computable:{m.name}"
    if m.kind == "field" and m.default is not None:
        return []
    if m.kind in ("field", "convert", "valid_on"):
        return [f"missing:{m.field}"]
    if m.kind == "division":
        return [f"missing:{m.field}", nc]
    if m.kind == "ratio":
        return [f"missing:{m.num}", f"missing:{m.den}", nc]
    if m.kind in ("growth", "cagr"):
        return [f"missing:{m.field}", nc]
    if m.kind == "age":
        return ["missing:founded_on"]
    if m.agg == "any":
        return [f"missing:{m.field}"]
    if m.agg == "ratio_of_sums":
        return [f"missing:{m.num}", f"missing:{m.den}", nc]
    return [f"missing:{m.field}", nc]


def test_codes(spec: Spec, test: Test) -> list[str]:
    return [c for leaf in leaves(test) for c in measure_codes(spec.measures[leaf.measure])]


def possible_reasons(spec: Spec) -> list[str]:
    """Every code the spec can give; a row lists the codes it gets in this order."""
    out: list[str] = []
    for c in spec.eligibility:
        out += [f"ineligible:{c.name}", *test_codes(spec, c.test)]
    if spec.cohort:
        out += [f"missing:{g}" for g in spec.cohort.group_by]
        out += measure_codes(spec.measures[spec.cohort.stage_measure])
    for cr in spec.criteria:
        if cr.kind in ("bands", "percentile"):
            out += measure_codes(spec.measures[cr.measure or ""])
        elif cr.kind == "best":
            out += [c for o in cr.options for c in measure_codes(spec.measures[o.measure])]
        elif cr.test is not None:
            out += test_codes(spec, cr.test)
    for a in spec.adjustments:
        out += test_codes(spec, a.test)
    if spec.scored:
        if spec.pass_rule.min_score is not None:
            out.append("score_below_pass")
        out += [f"zero_points:{n}" for n in spec.pass_rule.nonzero]
        if spec.pass_rule.top_percent is not None:
            out.append("outside_top_percent")
    else:
        for d in spec.direct:
            out += test_codes(spec, d.test)
        out.append("no_qualification")
    return list(dict.fromkeys(out))
