"""Figures in, the rules engine's verdict out: self-assessment and application checks.

An enterprise's figures are turned into the engine's long frame (one row per fiscal year,
exchange-formats §1 columns) and evaluated with `kechuang.rules`; the result is kept as
JSON with the explanation in both languages, so that what the enterprise saw is what is
stored. One enterprise at a time: batch evaluation reads the registry in bulk elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kechuang.rules import SpecError, evaluate, explain, reference_evaluate
from kechuang.rules.fields import BY_KEY
from kechuang.rules.spec import Spec

LANGUAGES = ("zh-hans", "en")

# What the tech-SME self-assessment form asks, for the last closed fiscal year (N-1).
TECH_SME_FIGURES = (
    "staff",
    "tech_staff",
    "sales_revenue",
    "total_cost",
    "rd_expense",
    "total_assets",
    "ip_class1",
    "ip_class2",
    "high_tech_cert_valid_to",
    "national_award_top3",
    "provincial_rd_institution",
    "led_standard",
    "abnormal_or_blacklisted",
    "major_incident",
)
# The declaration covers "the previous and the current year" (rules.md §1, condition 4).
BOTH_YEARS = ("abnormal_or_blacklisted", "major_incident")

_POLARS: dict[str, Any] = {
    "text": pl.String,
    "code": pl.String,
    "date": pl.Date,
    "int": pl.Int64,
    "count": pl.Int64,
    "money": pl.Decimal(18, 2),
    "bool": pl.Boolean,
}


@dataclass
class Assessment:
    spec_version: str
    verdict: str
    score: int | None
    qualified_by: str
    result: dict[str, Any]
    explanation: dict[str, list[str]] = field(default_factory=dict)

    def sentences(self, lang: str) -> list[str]:
        return self.explanation.get("en" if lang == "en" else "zh-hans", [])


def spec_for(program: str, year: int) -> Spec:
    """The rules in force for `program` and `year`: the active published version, else the
    shipped file."""
    from kechuang.programs.specs import active_spec

    try:
        return active_spec(program, year).spec
    except SpecError as exc:
        raise ValidationError(
            _("%(year)s年度的评价规则尚未发布"), code="no_spec", params={"year": year}
        ) from exc


def rule_years(program: str) -> list[int]:
    from kechuang.programs.specs import catalogue

    return catalogue().get(program, [])


def default_year(program: str, today: dt.date) -> int:
    """This year if its rules are out, else the latest earlier year that has rules."""
    years = [y for y in rule_years(program) if y <= today.year]
    return max(years) if years else today.year


def to_json(values: dict[str, Any]) -> dict[str, Any]:
    """Typed figures as JSON: money as a decimal string, dates in ISO form."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Decimal):
            value = format(value, "f")
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[key] = value
    return out


def from_json(values: dict[str, Any]) -> dict[str, Any]:
    """The inverse of `to_json`, by each field's kind; unknown keys are dropped."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        f = BY_KEY.get(key)
        if f is None or value is None or value == "":
            continue
        try:
            if f.kind == "money":
                out[key] = Decimal(str(value))
            elif f.kind == "date":
                out[key] = dt.date.fromisoformat(str(value))
            elif f.kind in ("count", "int"):
                out[key] = int(value)
            elif f.kind == "bool":
                out[key] = bool(value)
            else:
                out[key] = str(value)
        except (InvalidOperation, ValueError):
            continue
    return out


def enterprise_fields(enterprise: Any) -> dict[str, Any]:
    """The enterprise-level columns the engine reads, from the registry record."""
    return {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "founded_on": enterprise.founded_on,
        "region_code": enterprise.region_id,
        "industry_code": enterprise.industry_id,
        "city_code": enterprise.city_id,
    }


def frame(enterprise: Any, years: dict[int, dict[str, Any]]) -> pl.DataFrame:
    """The engine's long frame for one enterprise: a row per fiscal year."""
    base = enterprise_fields(enterprise)
    keys = list(dict.fromkeys([*base, "year", *(k for v in years.values() for k in v)]))
    rows = [{**base, **values, "year": year} for year, values in sorted(years.items())]
    schema = {k: _POLARS[BY_KEY[k].kind] for k in keys}
    return pl.DataFrame([{k: r.get(k) for k in keys} for r in rows], schema=schema, orient="row")


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction | Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def evaluate_one(spec: Spec, enterprise: Any, years: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """One enterprise's row of the engine's output.

    The plain-Python evaluator gives the same row as the Polars engine (the rules' property
    tests hold them equal) about 80 times faster for a single record, which matters for the
    live preview (benchmarks/self_assessment.py); cohort programs rank against others and
    go through the Polars engine.
    """
    if spec.cohort is not None:
        return evaluate(spec, frame(enterprise, years)).row(0, named=True)
    base = enterprise_fields(enterprise)
    record = {"uscc": base["uscc"], "years": {y: {**base, **v} for y, v in years.items()}}
    return reference_evaluate(spec, record)


def run(spec: Spec, enterprise: Any, years: dict[int, dict[str, Any]]) -> Assessment:
    row = evaluate_one(spec, enterprise, years)
    score = row.get("score")
    return Assessment(
        spec_version=spec.version,
        verdict=row.get("verdict") or "fail",
        score=int(score) if score is not None else None,
        qualified_by=row.get("qualified_by") or "",
        result={k: _plain(v) for k, v in row.items() if k != "uscc"},
        explanation={lang: explain(row, spec, lang) for lang in LANGUAGES},
    )


def tech_sme(enterprise: Any, year: int, figures: dict[str, Any]) -> Assessment:
    """Evaluate self-assessed figures (typed, of fiscal year N-1) against year N's spec."""
    spec = spec_for("tech-sme", year)
    values = {k: v for k, v in figures.items() if k in TECH_SME_FIGURES}
    current = {k: values[k] for k in BOTH_YEARS if k in values}
    return run(spec, enterprise, {year - 1: values, year: current})


def from_registry(program: str, year: int, enterprise: Any) -> Assessment | None:
    """Evaluate an enterprise's yearly figures held in the registry; None without a spec."""
    try:
        spec = spec_for(program, year)
    except ValidationError:
        return None
    wanted = [f.key for f in BY_KEY.values() if f.level == "year" and not f.extra]
    years: dict[int, dict[str, Any]] = {}
    for row in enterprise.years.filter(year__lte=year).values("year", *_registry(wanted)):
        years[row.pop("year")] = {k: v for k, v in row.items() if v is not None}
    if not years:
        return None
    return run(spec, enterprise, years)


def _registry(keys: list[str]) -> list[str]:
    from kechuang.registry.models import EnterpriseYear

    names = {f.name for f in EnterpriseYear._meta.concrete_fields}
    return [k for k in keys if k in names and k != "year"]


def initial_figures(enterprise: Any, year: int) -> tuple[dict[str, Any], Any]:
    """The registry's figures of fiscal year N-1 to start a self-assessment from."""
    source = enterprise.years.filter(year=year - 1).first()
    if source is None:
        return {}, None
    values = {k: getattr(source, k) for k in TECH_SME_FIGURES if hasattr(source, k)}
    return {k: v for k, v in values.items() if v is not None}, source
