"""Sentences, in zh-hans or English, that say why an enterprise got its verdict.

`explain(row, spec, lang)` reads one row of `evaluate()` (or of the reference evaluator): the
verdict, each condition, each criterion with the option not taken, and the reasons left over.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kechuang.rules.fields import BY_KEY
from kechuang.rules.plan import measure_codes
from kechuang.rules.spec import Condition, Criterion, Spec, leaves

_WORDS = {
    "zh-hans": {
        "stage": "所属阶段：{stage}（按{measure}划分）；{cohort}。",
        "stage_unknown": "无法确定所属阶段，{detail}。",
        "pass_score": "评价通过：得分{score}分（通过线{min}分）。",
        "pass_rank": "评价通过：得分{score}分，列入{tier}。",
        "pass_direct": "直接认定：{label}。",
        "fail": "未通过。",
        "met": "{label}：符合。",
        "not_met": "{label}：不符合（{detail}）。",
        "not_met_plain": "{label}：不符合。",
        "unknown": "{label}：无法判断，{detail}。",
        "points": "{says}，得{points}分（满分{max}分）",
        "other": "；{label}可得{points}分",
        "not_scored": "{label}：{detail}，未计分。",
        "cohort_points": "{label}：得{points}分（本阶段满分{max}分；{says}）。",
        "cohort_missing": "{label}：{detail}，按0分计。",
        "adjust": "{label}：{points}分。",
        "score_below_pass": "总分{score}分，低于通过线{min}分。",
        "zero_points": "{label}得分为0，不符合通过条件。",
        "outside_top_percent": "总分{score}分，未进入本组前{pct}%。",
        "no_qualification": "未满足任何一项认定条件。",
        "missing": "缺少{fields}",
        "not_computable": "{label}无法计算（基数为零、负数或数据不足）",
        "says": "{label}为{value}",
        "cohort": "与同一{group}、同一阶段的企业比较",
        "yes": "是",
        "no": "否",
        "sep": "、",
        "yuan": "{v}元",
        "usd": "{v}美元",
        "years": "{v}年",
    },
    "en": {
        "stage": "Stage: {stage} (by {measure}); {cohort}.",
        "stage_unknown": "The stage cannot be decided, {detail}.",
        "pass_score": "Passed with {score} points (pass mark {min}).",
        "pass_rank": "Passed with {score} points, on the {tier}.",
        "pass_direct": "Qualified directly: {label}.",
        "fail": "Not passed.",
        "met": "{label}: met.",
        "not_met": "{label}: not met ({detail}).",
        "not_met_plain": "{label}: not met.",
        "unknown": "{label}: cannot be decided, {detail}.",
        "points": "{says}: {points} of {max} points",
        "other": "; {label} would give {points}",
        "not_scored": "{label}: not scored, {detail}.",
        "cohort_points": "{label}: {points} of {max} points for the stage ({says}).",
        "cohort_missing": "{label}: {detail}, counted as 0.",
        "adjust": "{label}: {points} points.",
        "score_below_pass": "The score of {score} is below the pass mark of {min}.",
        "zero_points": "{label} scores 0, which the pass rule does not allow.",
        "outside_top_percent": "The score of {score} is not in the top {pct}% of the cohort.",
        "no_qualification": "None of the qualifying conditions is met.",
        "missing": "missing {fields}",
        "not_computable": "{label} cannot be computed (zero or negative base, or no years)",
        "says": "{label} is {value}",
        "cohort": "ranked against enterprises of the same {group} and stage",
        "yes": "yes",
        "no": "no",
        "sep": ", ",
        "yuan": "{v} yuan",
        "usd": "US${v}",
        "years": "{v} years",
    },
}


def _number(v: Any) -> str:
    if v is None:
        return "?"
    if isinstance(v, Decimal | Fraction):
        v = float(v)
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


class _Explainer:
    def __init__(self, row: Mapping[str, Any], spec: Spec, lang: str) -> None:
        self.row, self.spec = row, spec
        self.lang = "en" if lang == "en" else "zh-hans"
        self.w = _WORDS[self.lang]
        self.reasons = set(row.get("reasons") or [])
        self.end = "." if self.lang == "en" else "。"

    def value(self, name: str) -> str | None:
        m = self.spec.measures[name]
        v = self.row.get(f"value_{name}")
        if v is None:
            return None
        if isinstance(v, bool):
            return self.w["yes"] if v else self.w["no"]
        if isinstance(v, str):
            return v
        if m.unit == "percent":
            return f"{float(v) * 100:.2f}".rstrip("0").rstrip(".") + "%"
        if m.unit in ("yuan", "usd"):
            money = f"{int(v):,}" if float(v).is_integer() else f"{float(v):,.2f}"
            return self.w[m.unit].format(v=money)
        if m.unit == "years":
            return self.w[m.unit].format(v=_number(v))
        return _number(v)

    def says(self, name: str) -> str:
        m = self.spec.measures[name]
        value = self.value(name) or "?"
        if m.says is not None:
            return m.says.get(self.lang).format(value=value)
        return self.w["says"].format(label=m.label.get(self.lang), value=value)

    def missing(self, measures: list[str]) -> str:
        """What keeps these measures unknown, from the row's reason codes where listed."""
        codes = [c for m in measures for c in measure_codes(self.spec.measures[m])]
        listed = [c for c in codes if c in self.reasons] or codes
        fields = [
            BY_KEY[c.split(":", 1)[1]].label(self.lang) for c in listed if c.startswith("missing:")
        ]
        parts = []
        if fields:
            parts.append(self.w["missing"].format(fields=self.w["sep"].join(dict.fromkeys(fields))))
        for c in listed:
            if c.startswith("not_computable:"):
                label = self.spec.measures[c.split(":", 1)[1]].label.get(self.lang)
                parts.append(self.w["not_computable"].format(label=label))
        return self.w["sep"].join(parts)

    def unknown_measures(self, names: list[str]) -> list[str]:
        return [n for n in dict.fromkeys(names) if self.row.get(f"value_{n}") is None]

    def condition(self, c: Condition) -> str:
        label = c.label.get(self.lang)
        truth = self.row.get(f"cond_{c.name}")
        names = [leaf.measure for leaf in leaves(c.test)]
        if truth is True:
            return self.w["met"].format(label=label)
        if truth is None:
            return self.w["unknown"].format(
                label=label, detail=self.missing(self.unknown_measures(names))
            )
        shown = [
            n
            for n in dict.fromkeys(names)
            if self.spec.measures[n].vtype == "number" and self.row.get(f"value_{n}") is not None
        ]
        if not shown:
            return self.w["not_met_plain"].format(label=label)
        detail = self.w["sep"].join(self.says(n) for n in shown)
        return self.w["not_met"].format(label=label, detail=detail)

    def criterion(self, cr: Criterion) -> str:
        label = cr.label.get(self.lang)
        points = self.row.get(f"points_{cr.name}")
        if cr.kind in ("percentile", "flag"):
            return self.cohort_criterion(cr, label, points)
        if points is None:
            names = [cr.measure] if cr.measure else [o.measure for o in cr.options]
            return self.w["not_scored"].format(
                label=label, detail=self.missing(self.unknown_measures([n for n in names if n]))
            )
        if cr.kind == "bands":
            says = self.says(cr.measure or "")
            return self.w["points"].format(says=says, points=points, max=cr.max_points) + self.end
        taken = self.row.get(f"option_{cr.name}")
        option = next(o for o in cr.options if o.name == taken)
        text = self.w["points"].format(
            says=self.says(option.measure), points=points, max=cr.max_points
        )
        for other in cr.options:
            other_points = self.row.get(f"points_{cr.name}__{other.name}")
            if other.name != taken and other_points is not None:
                text += self.w["other"].format(
                    label=other.label.get(self.lang), points=other_points
                )
        return text + self.end

    def cohort_criterion(self, cr: Criterion, label: str, points: Any) -> str:
        stage = self.row.get("stage")
        top = cr.weights.get(stage or "", 0)
        names = (
            [cr.measure]
            if cr.measure
            else [lf.measure for lf in leaves(cr.test)]
            if cr.test
            else []
        )
        unknown = self.unknown_measures([n for n in names if n])
        if unknown:
            return self.w["cohort_missing"].format(label=label, detail=self.missing(unknown))
        says = self.w["sep"].join(self.says(n) for n in dict.fromkeys(names) if n)
        return self.w["cohort_points"].format(
            label=label, points=_number(points or 0), max=top, says=says
        )

    def verdict(self) -> str:
        qualified = self.row.get("qualified_by")
        score = self.row.get("score")
        if qualified and qualified.startswith("direct:"):
            name = qualified.split(":", 1)[1]
            d = next(d for d in self.spec.direct if d.name == name)
            return self.w["pass_direct"].format(label=d.label.get(self.lang))
        if qualified == "score":
            tier = next((t for t in self.spec.tiers if t.name == self.row.get("tier")), None)
            if tier is not None:
                return self.w["pass_rank"].format(
                    score=_number(score), tier=tier.label.get(self.lang)
                )
            return self.w["pass_score"].format(
                score=_number(score), min=self.spec.pass_rule.min_score
            )
        return self.w["fail"]

    def leftovers(self) -> list[str]:
        out = []
        rule, score = self.spec.pass_rule, self.row.get("score")
        if "score_below_pass" in self.reasons:
            out.append(self.w["score_below_pass"].format(score=_number(score), min=rule.min_score))
        for name in rule.nonzero:
            if f"zero_points:{name}" in self.reasons:
                cr = next(c for c in self.spec.criteria if c.name == name)
                out.append(self.w["zero_points"].format(label=cr.label.get(self.lang)))
        if "outside_top_percent" in self.reasons:
            out.append(
                self.w["outside_top_percent"].format(
                    score=_number(score), pct=_number(rule.top_percent or 0)
                )
            )
        if "no_qualification" in self.reasons:
            out.append(self.w["no_qualification"])
        return out

    def stage(self) -> list[str]:
        ch = self.spec.cohort
        if ch is None:
            return []
        stage = next((st for st in ch.stages if st.name == self.row.get("stage")), None)
        if stage is None:
            detail = self.missing([ch.stage_measure])
            return [self.w["stage_unknown"].format(detail=detail)]
        group = self.w["sep"].join(BY_KEY[g].label(self.lang) for g in ch.group_by)
        return [
            self.w["stage"].format(
                stage=stage.label.get(self.lang),
                measure=self.spec.measures[ch.stage_measure].label.get(self.lang),
                cohort=self.w["cohort"].format(group=group),
            )
        ]

    def sentences(self) -> list[str]:
        out = [self.verdict(), *self.stage()]
        out += [self.condition(c) for c in self.spec.eligibility]
        out += [self.criterion(cr) for cr in self.spec.criteria]
        for a in self.spec.adjustments:
            if self.row.get(f"points_{a.name}"):
                points = f"{a.points:+d}"
                out.append(self.w["adjust"].format(label=a.label.get(self.lang), points=points))
        if not self.spec.scored:
            out += [self.condition(d) for d in self.spec.direct]
        return out + self.leftovers()


def explain(row: Mapping[str, Any], spec: Spec, lang: str = "zh-hans") -> list[str]:
    """Sentences explaining one evaluated row, in `zh-hans` (default) or `en`."""
    return _Explainer(row, spec, lang).sentences()
