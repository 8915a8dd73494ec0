"""The programs' own batch runs over the demo registry, and what admissions read from them.

A program admits or certifies only enterprises its rules pass, so the demo runs each program
for each year it admits or certifies in — through the programs' services, as the command
line would (no user: the demo logins are created after the data) — and picks the admitted
and the certified among the passing results of the stored run.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from kechuang.demo.context import Context
from kechuang.programs import specs
from kechuang.programs.assessment import LANGUAGES
from kechuang.programs.runs import results
from kechuang.programs.runs import services as runs
from kechuang.programs.runs.models import EvaluationResult, EvaluationRun
from kechuang.rules import Spec, explain

MODELS: tuple[type[models.Model], ...] = (EvaluationResult, EvaluationRun)
SOURCE = "demo"
CHUNK = 900  # ids per query: below SQLite's limit of bound parameters


@dataclass
class Run:
    """A finished run of one program and year, and who passed it."""

    run: EvaluationRun
    spec: Spec
    passed: set[int]  # enterprise ids

    @property
    def year(self) -> int:
        return self.run.year


def clear() -> None:
    for model in MODELS:
        model._default_manager.all().delete()


def run(ctx: Context, program: str, year: int, pilot_zones: bool = False) -> Run:
    """Evaluate `program`'s rules of `year` over the whole registry (or the enterprises of
    the zones piloting innovation points) and keep the results."""
    done = runs.run_evaluation(
        actor=None, program=program, year=year, source=SOURCE, pilot_zones=pilot_zones
    ).run
    passed = set(
        EvaluationResult.objects.filter(run=done, verdict="pass").values_list(
            "enterprise_id", flat=True
        )
    )
    label = EvaluationResult._meta.label
    ctx.counts[label] = ctx.counts.get(label, 0) + done.evaluated
    return Run(done, specs.load_text(done.spec_text), passed)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Verdict:
    """What an application records from its enterprise's result in the run."""

    spec_version: str
    score: int | None
    verdict: str
    qualified_by: str
    result: str  # JSON text, as the bulk writer sends JSON columns
    explanation: str


def verdicts(done: Run, enterprises: Iterable[int]) -> dict[int, Verdict]:
    """The stored results of `enterprises` in the run, each with its explanation."""
    ids = sorted(set(enterprises))
    out: dict[int, Verdict] = {}
    for i in range(0, len(ids), CHUNK):
        rows = EvaluationResult.objects.filter(run=done.run, enterprise_id__in=ids[i : i + CHUNK])
        for r in rows.order_by():
            row = results.explain_row(r, done.run, done.spec)
            score = row.get("score")
            out[r.enterprise_id] = Verdict(
                spec_version=done.run.spec_version,
                score=int(score) if score is not None else None,
                verdict=r.verdict,
                qualified_by=r.qualified_by,
                result=json.dumps(
                    {k: _plain(v) for k, v in row.items()}, ensure_ascii=False, default=str
                ),
                explanation=json.dumps(
                    {lang: explain(row, done.spec, lang) for lang in LANGUAGES},
                    ensure_ascii=False,
                ),
            )
    return out
