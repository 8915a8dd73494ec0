"""The pieces of a spec: measures, criteria, cohorts, tiers and the pass rule."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from kechuang.rules.fields import BY_KEY
from kechuang.rules.spec import (
    Adjustment,
    Band,
    Cohort,
    Criterion,
    Measure,
    Option,
    PassRule,
    Spec,
    Stage,
    Tier,
    leaves,
)

if TYPE_CHECKING:
    from kechuang.rules.loader import _Loader

_KINDS = ("field", "ratio", "growth", "cagr", "window", "age", "valid_on", "division", "convert")
_AGGS = ("sum", "mean", "ratio_of_sums", "any")
_NUMERIC = ("int", "count", "money")
_UNTIL = re.compile(r"^N(?:\+(\d+))?-(\d{2})-(\d{2})$")
_UNITS = ("number", "percent", "yuan", "usd", "years", "count", "flag", "text")


def measure(ld: _Loader, name: str, table: Any, constants: dict[str, Fraction]) -> Measure:
    where = f"measures.{name}"
    if not re.match(r"^[a-z][a-z0-9_]*$", name):
        raise ld.fail(where, "a measure name must be lower_snake_case")
    if not isinstance(table, dict):
        raise ld.fail(where, "must be a table")
    kind = ld.get(table, "kind", where, (str,))
    if kind not in _KINDS:
        raise ld.fail(f"{where}.kind", f"{kind!r} is not one of {', '.join(_KINDS)}")
    flag, note = ld.assumed(table, where)
    args: dict[str, Any] = {}
    unit = "number"
    if kind in ("field", "valid_on", "division", "convert"):
        kinds = {
            "field": ("text", "code", "int", "count", "money", "bool"),
            "valid_on": ("date",),
            "division": ("code",),
            "convert": _NUMERIC,
        }[kind]
        args["field"] = ld.field_ref(table, "field", where, kinds)
        args["year"] = year_or_latest(ld, table, where)
        fkind = BY_KEY[args["field"]].kind
        unit = {
            "money": "yuan",
            "count": "count",
            "int": "number",
            "bool": "flag",
            "date": "text",
            "code": "text",
            "text": "text",
        }[fkind]
        if kind == "valid_on":
            unit = "flag"
        if kind == "convert":
            rate = ld.get(table, "rate", where, (str,))
            if rate not in constants:
                raise ld.fail(f"{where}.rate", f"unknown constant {rate!r}")
            args["rate"], args["rate_name"] = constants[rate], rate
            unit = "yuan"
        if "default" in table:
            path = f"{where}.default"
            args["default"] = default(ld, ld.unwrap(table["default"], path), path, fkind)
    elif kind == "ratio":
        args["num"] = ld.field_ref(table, "num", where, _NUMERIC)
        args["den"] = ld.field_ref(table, "den", where, _NUMERIC)
        args["year"] = ld.year_ref(ld.get(table, "year", where, (str,)), f"{where}.year")
        unit = "percent"
    elif kind in ("growth", "cagr"):
        args["field"] = ld.field_ref(table, "field", where, _NUMERIC)
        if kind == "growth":
            end = ld.year_ref(ld.get(table, "year", where, (str,)), f"{where}.year")
            start = ld.year_ref(f"N-{ld.year - end + 1}", f"{where}.year (the year before)")
        else:
            start = ld.year_ref(ld.get(table, "from", where, (str,)), f"{where}.from")
            end = ld.year_ref(ld.get(table, "to", where, (str,)), f"{where}.to")
        if end <= start:
            raise ld.fail(where, "the end year must come after the base year")
        args["year"], args["span"] = end, end - start
        unit = "percent"
    elif kind == "window":
        agg = ld.get(table, "agg", where, (str,))
        if agg not in _AGGS:
            raise ld.fail(f"{where}.agg", f"{agg!r} is not one of {', '.join(_AGGS)}")
        args["agg"] = agg
        start = ld.year_ref(ld.get(table, "from", where, (str,)), f"{where}.from")
        end = ld.year_ref(ld.get(table, "to", where, (str,)), f"{where}.to")
        if end < start:
            raise ld.fail(where, "`to` must not come before `from`")
        args["years"] = tuple(range(start, end + 1))
        if agg == "ratio_of_sums":
            args["num"] = ld.field_ref(table, "num", where, _NUMERIC)
            args["den"] = ld.field_ref(table, "den", where, _NUMERIC)
            unit = "percent"
        else:
            kinds = ("bool",) if agg == "any" else _NUMERIC
            args["field"] = ld.field_ref(table, "field", where, kinds)
            unit = (
                "flag"
                if agg == "any"
                else {"money": "yuan"}.get(BY_KEY[args["field"]].kind, "number")
            )
    elif kind == "age":
        unit = "years"
    unit = ld.get(table, "unit", where, (str,), False, unit)
    if unit not in _UNITS:
        raise ld.fail(f"{where}.unit", f"{unit!r} is not one of {', '.join(_UNITS)}")
    return Measure(
        name=name,
        kind=kind,
        label=ld.text(table, "label", where),
        says=ld.opt_text(table, "says", where),
        unit=unit,
        assumed=flag,
        note=note,
        display_only=ld.get(table, "display_only", where, (bool,), False, False),
        **args,
    )


def year_or_latest(ld: _Loader, table: dict[str, Any], where: str) -> int | None:
    value = ld.get(table, "year", where, (str,), False, "latest")
    return None if value == "latest" else ld.year_ref(value, f"{where}.year")


def default(ld: _Loader, value: Any, where: str, fkind: str) -> bool | str | Fraction:
    if fkind == "bool":
        if not isinstance(value, bool):
            raise ld.fail(where, "must be a boolean for a yes/no field")
        if where not in {w for w, _ in ld.assumptions}:
            raise ld.fail(
                where,
                "a default stands in for missing data: label it assumed "
                '({ value = …, assumed = true, note = "…" })',
            )
        return value
    raise ld.fail(where, "only yes/no fields may have a default")


def until(ld: _Loader, value: str, where: str) -> dt.date:
    match = _UNTIL.match(value)
    if not match:
        raise ld.fail(where, f"{value!r} must look like 'N+1-03-31' or 'N-12-31'")
    plus, month, day = match.groups()
    try:
        return dt.date(ld.year + int(plus or 0), int(month), int(day))
    except ValueError:
        raise ld.fail(where, f"{value!r} is not a real date") from None


def bands(ld: _Loader, table: dict[str, Any], where: str, measure: str) -> tuple[Band, ...]:
    raw = ld.get(table, "bands", where, (list,))
    out = []
    for i, band in enumerate(raw):
        path = f"{where}.bands[{i}]"
        if not isinstance(band, dict):
            raise ld.fail(path, "must be a table { min = …, points = … }")
        points = ld.get(band, "points", path, (int,))
        if points < 0:
            raise ld.fail(f"{path}.points", "must not be negative")
        low = ld.number(ld.get(band, "min", path, (int, float, str)), f"{path}.min")
        ld.check_threshold(ld.measures[measure], low, f"{path}.min")
        out.append(Band(low, points))
    if not out:
        raise ld.fail(f"{where}.bands", "needs at least one band")
    out.sort(key=lambda b: b.min, reverse=True)
    for hi, lo in itertools.pairwise(out):
        if hi.min == lo.min:
            raise ld.fail(f"{where}.bands", f"two bands start at {hi.min}")
        if hi.points < lo.points:
            raise ld.fail(f"{where}.bands", "a higher band must not give fewer points")
    return tuple(out)


def number_measure(ld: _Loader, table: dict[str, Any], where: str) -> str:
    name = ld.measure_ref(table, "measure", where)
    if ld.measures[name].vtype != "number":
        raise ld.fail(f"{where}.measure", f"{name} is not a number")
    return name


def criterion(ld: _Loader, table: dict[str, Any], where: str, cohort: Cohort | None) -> Criterion:
    name = ld.name(table, where)
    flag, note = ld.assumed(table, where)
    label = ld.text(table, "label", where)
    kind = ld.get(table, "kind", where, (str,), False, "best" if "options" in table else "bands")
    missing = ld.get(table, "missing", where, (str,), False, "fail")
    if missing not in ("fail", "zero"):
        raise ld.fail(f"{where}.missing", "must be 'fail' or 'zero'")
    common: dict[str, Any] = {
        "name": name,
        "label": label,
        "kind": kind,
        "missing": missing,
        "group": ld.get(table, "group", where, (str,), False, ""),
        "assumed": flag,
        "note": note,
    }
    if kind in ("bands", "best"):
        if cohort is not None:
            raise ld.fail(f"{where}.kind", "a cohort spec scores by percentile or flag")
        top = ld.get(table, "max_points", where, (int,))
        if kind == "bands":
            measure = number_measure(ld, table, where)
            found = bands(ld, table, where, measure)
            if found[0].points > top:
                raise ld.fail(f"{where}.bands", f"gives more than max_points ({top})")
            return Criterion(max_points=top, measure=measure, bands=found, **common)
        options = []
        for i, opt in enumerate(ld.get(table, "options", where, (list,))):
            path = f"{where}.options[{i}]"
            if not isinstance(opt, dict):
                raise ld.fail(path, "must be a table")
            measure = number_measure(ld, opt, path)
            found = bands(ld, opt, path, measure)
            if found[0].points > top:
                raise ld.fail(f"{path}.bands", f"gives more than max_points ({top})")
            options.append(Option(ld.name(opt, path), ld.text(opt, "label", path), measure, found))
        if len(options) < 2:
            raise ld.fail(f"{where}.options", "a best-of criterion needs at least two options")
        return Criterion(max_points=top, options=tuple(options), **common)
    if kind not in ("percentile", "flag"):
        raise ld.fail(f"{where}.kind", f"{kind!r} is not bands, best, percentile or flag")
    if cohort is None:
        raise ld.fail(f"{where}.kind", f"{kind} criteria need a [cohort] section")
    raw = ld.get(table, "weights", where, (dict,))
    stages = [s.name for s in cohort.stages]
    if sorted(raw) != sorted(stages) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in raw.values()
    ):
        raise ld.fail(
            f"{where}.weights", f"needs a non-negative integer for each stage: {', '.join(stages)}"
        )
    if kind == "flag":
        test = ld.test(ld.get(table, "test", where, (dict,)), f"{where}.test")
        return Criterion(weights=dict(raw), test=test, **common)
    measure = number_measure(ld, table, where)
    floor = ld.number(ld.get(table, "floor", where, (int, float, str), False, 0), f"{where}.floor")
    return Criterion(weights=dict(raw), measure=measure, floor=floor, **common)


def adjustment(ld: _Loader, table: dict[str, Any], where: str) -> Adjustment:
    flag, note = ld.assumed(table, where)
    points = ld.get(table, "points", where, (int,))
    if points == 0:
        raise ld.fail(f"{where}.points", "must not be zero")
    return Adjustment(
        name=ld.name(table, where),
        label=ld.text(table, "label", where),
        points=points,
        test=ld.test(ld.get(table, "test", where, (dict,)), f"{where}.test"),
        assumed=flag,
        note=note,
    )


def cohort(ld: _Loader, raw: dict[str, Any]) -> Cohort:
    table = ld.get(raw, "cohort", "", (dict,))
    group_by = ld.get(table, "group_by", "cohort", (list,))
    for i, key in enumerate(group_by):
        if key not in BY_KEY or BY_KEY[key].level != "enterprise" or key == "uscc":
            raise ld.fail(f"cohort.group_by[{i}]", f"{key!r} is not an enterprise-level field")
    measure = number_measure(
        ld, {"measure": ld.get(table, "stage_measure", "cohort", (str,))}, "cohort.stage_measure"
    )
    stages: list[Stage] = []
    for i, st in enumerate(ld.get(table, "stages", "cohort", (list,))):
        path = f"cohort.stages[{i}]"
        if not isinstance(st, dict):
            raise ld.fail(path, "must be a table")
        low = (
            None if i == 0 else ld.number(ld.get(st, "min", path, (int, float, str)), f"{path}.min")
        )
        if i == 0 and "min" in st:
            raise ld.fail(f"{path}.min", "the first stage takes everything below the second")
        if low is not None and stages and stages[-1].min is not None and low <= stages[-1].min:
            raise ld.fail(f"{path}.min", "stages must ascend")
        stages.append(Stage(ld.name(st, path), ld.text(st, "label", path), low))
    if len(stages) < 1:
        raise ld.fail("cohort.stages", "needs at least one stage")
    return Cohort(tuple(group_by), measure, tuple(stages))


def tier(ld: _Loader, table: dict[str, Any], where: str) -> Tier:
    pct = ld.number(ld.get(table, "top_percent", where, (int, float, str)), f"{where}.top_percent")
    if not 0 < pct <= 100:
        raise ld.fail(f"{where}.top_percent", "must be above 0 and at most 100")
    return Tier(ld.name(table, where), ld.text(table, "label", where), pct)


def pass_rule(
    ld: _Loader, raw: dict[str, Any], criteria: tuple[Criterion, ...], cohort: Cohort | None
) -> PassRule:
    table = ld.get(raw, "pass", "", (dict,), False, {})
    min_score = ld.get(table, "min_score", "pass", (int,), False)
    nonzero = tuple(ld.get(table, "nonzero", "pass", (list,), False, []))
    names = {c.name for c in criteria}
    for i, n in enumerate(nonzero):
        if n not in names:
            raise ld.fail(f"pass.nonzero[{i}]", f"unknown criterion {n!r}")
    top = table.get("top_percent")
    top_percent = None if top is None else ld.number(top, "pass.top_percent")
    if top_percent is not None and cohort is None:
        raise ld.fail("pass.top_percent", "ranks within a cohort: the spec needs [cohort]")
    if criteria and min_score is None and top_percent is None:
        raise ld.fail("pass", "a scored program needs min_score or top_percent")
    return PassRule(min_score, nonzero, top_percent)


def check_whole(ld: _Loader, spec: Spec) -> None:
    if spec.cohort is not None and spec.direct:
        raise ld.fail("direct", "a cohort spec ranks scores; direct qualification does not fit")
    if not spec.criteria and not spec.direct:
        raise ld.fail("criteria", "a program needs criteria or direct qualifications")
    if spec.tiers and spec.cohort is None:
        raise ld.fail("tiers", "tiers rank within a cohort: the spec needs [cohort]")
    pcts = [t.top_percent for t in spec.tiers]
    if pcts != sorted(pcts) or len(set(pcts)) != len(pcts):
        raise ld.fail("tiers", "tiers must go from the smallest top percent up")
    if spec.cohort is not None:
        for stage in spec.cohort.stages:
            total = sum(c.weights[stage.name] for c in spec.criteria)
            if total != 1000:
                raise ld.fail(
                    "criteria", f"weights of stage {stage.name} add up to {total}, not 1000"
                )
    seen: set[str] = set()
    for name in [c.name for c in spec.criteria] + [a.name for a in spec.adjustments]:
        if name in seen:
            raise ld.fail("criteria", f"name {name!r} is used twice")
        seen.add(name)
    tests = [c.test for c in (*spec.eligibility, *spec.direct)]
    tests += [a.test for a in spec.adjustments]
    used = {leaf.measure for t in tests for leaf in leaves(t)}
    used |= {c.measure for c in spec.criteria if c.measure}
    used |= {leaf.measure for c in spec.criteria if c.test for leaf in leaves(c.test)}
    used |= {o.measure for c in spec.criteria for o in c.options}
    if spec.cohort:
        used.add(spec.cohort.stage_measure)
    for name, m in spec.measures.items():
        if name not in used and not m.display_only:
            raise ld.fail(f"measures.{name}", "is defined but no condition or criterion uses it")
