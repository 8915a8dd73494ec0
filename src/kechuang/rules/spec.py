"""A program's rules for one year, as typed data. Specs are read by `loader.load_spec`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Literal

from kechuang.rules.fields import BY_KEY

Lang = Literal["zh-hans", "en"]
MeasureKind = Literal[
    "field", "ratio", "growth", "cagr", "window", "age", "valid_on", "division", "convert"
]
ValueType = Literal["number", "bool", "text"]
LATEST = None  # a measure's `year` of None reads the latest non-empty value up to year N


class SpecError(ValueError):
    """A spec that cannot be used; says which file, which field and what is wrong."""

    def __init__(self, path: Path | str, where: str, problem: str) -> None:
        self.path = str(path)
        self.where = where
        self.problem = problem
        super().__init__(f"{path}: {where}: {problem}")


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Measure:
    """A value computed from the input: every condition and criterion reads measures."""

    name: str
    kind: MeasureKind
    label: Text
    says: Text | None = None  # sentence template with {value}, for explanations
    unit: str = "number"  # number | percent | yuan | usd | years | count | flag | text
    field: str | None = None
    num: str | None = None
    den: str | None = None
    year: int | None = LATEST  # absolute fiscal year
    years: tuple[int, ...] = ()  # the fiscal years a window or `any` reads
    span: int = 0  # cagr/growth: years between base and end
    agg: str | None = None  # window: sum | mean | ratio_of_sums | any
    default: bool | str | Fraction | None = None
    rate: Fraction | None = None  # convert: multiply by this constant
    rate_name: str | None = None
    display_only: bool = False  # shown in explanations, tested by nothing
    assumed: bool = False
    note: str = ""

    @property
    def vtype(self) -> ValueType:
        if self.kind == "division":
            return "text"
        if self.kind == "valid_on" or self.agg == "any":
            return "bool"
        if self.kind == "field":
            kind = BY_KEY[self.field or ""].kind
            return "bool" if kind == "bool" else "text" if kind in ("text", "code") else "number"
        return "number"

    @property
    def power(self) -> int:
        """Value = (num/den)^(1/power) − offset; cagr and growth compare exactly on that."""
        return self.span if self.kind in ("cagr", "growth") else 1

    @property
    def offset(self) -> int:
        return 1 if self.kind in ("cagr", "growth") else 0


@dataclass(frozen=True)
class Compare:
    measure: str
    op: str  # < <= > >= == != in not_in
    value: Fraction | bool | str | tuple[str, ...]


@dataclass(frozen=True)
class AllOf:
    items: tuple[Test, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Test, ...]


Test = Compare | AllOf | AnyOf


@dataclass(frozen=True)
class Condition:
    name: str
    label: Text
    test: Test
    assumed: bool = False
    note: str = ""


@dataclass(frozen=True)
class Band:
    min: Fraction  # lower bound, inclusive
    points: int


@dataclass(frozen=True)
class Option:
    name: str
    label: Text
    measure: str
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Criterion:
    """A scored criterion: banded, best of options, cohort percentile, or a flag."""

    name: str
    label: Text
    kind: Literal["bands", "best", "percentile", "flag"]
    max_points: int | None = None
    measure: str | None = None
    bands: tuple[Band, ...] = ()
    options: tuple[Option, ...] = ()
    weights: dict[str, int] = field(default_factory=dict)  # stage -> points (cohort specs)
    floor: Fraction = Fraction(0)  # percentile: values at or below score nothing
    test: Test | None = None  # flag
    missing: Literal["fail", "zero"] = "fail"
    group: str = ""
    assumed: bool = False
    note: str = ""


@dataclass(frozen=True)
class Adjustment:
    """A bonus (points > 0) or negative indicator (points < 0) applied when its test holds."""

    name: str
    label: Text
    points: int
    test: Test
    assumed: bool = False
    note: str = ""


@dataclass(frozen=True)
class Stage:
    name: str
    label: Text
    min: Fraction | None  # lower bound in the stage measure's unit, inclusive


@dataclass(frozen=True)
class Cohort:
    group_by: tuple[str, ...]  # enterprise-level fields, latest value
    stage_measure: str
    stages: tuple[Stage, ...]


@dataclass(frozen=True)
class Tier:
    name: str
    label: Text
    top_percent: Fraction


@dataclass(frozen=True)
class PassRule:
    min_score: int | None = None
    nonzero: tuple[str, ...] = ()
    top_percent: Fraction | None = None


@dataclass(frozen=True)
class Spec:
    program: str
    year: int
    version: str
    title: Text
    path: str
    source: str
    reads: tuple[int, ...]
    evaluation_date: dt.date
    age_as_of: dt.date
    measures: dict[str, Measure]
    eligibility: tuple[Condition, ...]
    direct: tuple[Condition, ...]
    criteria: tuple[Criterion, ...]
    adjustments: tuple[Adjustment, ...]
    cohort: Cohort | None
    tiers: tuple[Tier, ...]
    pass_rule: PassRule
    constants: dict[str, Fraction] = field(default_factory=dict)
    valid_until: dt.date | None = None
    notes: str = ""
    assumptions: tuple[tuple[str, str], ...] = ()  # (field path, note) of assumed values

    @property
    def scored(self) -> bool:
        return bool(self.criteria)

    @property
    def integer_points(self) -> bool:
        """Cohort specs score in hundredths; the others in whole points."""
        return self.cohort is None

    def criterion_columns(self) -> list[str]:
        """`points_<name>` columns of exchange-formats §2, in spec order."""
        return [f"points_{c.name}" for c in self.criteria] + [
            f"points_{a.name}" for a in self.adjustments
        ]


def leaves(test: Test) -> list[Compare]:
    if isinstance(test, Compare):
        return [test]
    return [leaf for item in test.items for leaf in leaves(item)]
