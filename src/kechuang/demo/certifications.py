"""Gradient certifications of the demo province: 雏鹰, 瞪羚 and 独角兽 (F18, F19).

Each program certifies only in the years it has rules for (the Liaoning method dates from
2021; the repository holds the years it holds), and only enterprises that pass the program's
batch run of that year. The F18 total is spread over those years. Applications, their
milestones (applied, recommended by the city, passed expert review, filed) and the
certifications are written in bulk as the gradient services would leave them; each
application records the run's verdict and explanation, as an application through the
services records the rules' verdict when it is made.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from django.db.models import Max

from kechuang.demo import evaluations
from kechuang.demo.context import Context
from kechuang.programs import deadlines, specs
from kechuang.programs.common import ApplicationEvent
from kechuang.programs.gradient.models import (
    GradientApplication,
    GradientCall,
    GradientCertification,
)

GRADIENT_COLS = (
    "id",
    "program",
    "year",
    "enterprise_id",
    "call_id",
    "status",
    "applied_on",
    "recommended_on",
    "spec_version",
    "verdict",
    "explanation",
)
CERT_COLS = (
    "id",
    "application_id",
    "enterprise_id",
    "program",
    "year",
    "filed_on",
    "valid_from",
    "valid_to",
)
EVENT_COLS = ("id", "enterprise_id", "program", "gradient_id", "kind", "at", "data")
YEARS_BACK = 4  # certifications up to four years before the period still count in F18
# Relative weight of each year back from the period's (whose first half only counts).
WEIGHTS = {4: 1, 3: 2, 2: 3, 1: 4, 0: 2}
EMPTY = json.dumps({})
Row = tuple[Any, ...]


def scaled(ctx: Context, n: int) -> int:
    return round(n * ctx.scale)


def _spread(n: int, years: list[int], period_year: int) -> list[tuple[int, int]]:
    """`n` over `years` by weight; the rounding remainder goes to the heaviest year."""
    weights = [WEIGHTS[period_year - y] for y in years]
    share = [n * w // sum(weights) for w in weights]
    share[weights.index(max(weights))] += n - sum(share)
    return list(zip(years, share, strict=True))


def plan(ctx: Context) -> list[tuple[str, int, int]]:
    """(program, year, count) of certifications filed each year up to the period."""
    t = ctx.targets
    total = scaled(ctx, t.count("F18"))
    unicorns = t.count("F19")
    gazelle_share = float(t.param("gazelle_share", 0.27))
    period = t.period.year
    ruled = specs.catalogue()
    rest = total - unicorns
    gazelles = round(rest * gazelle_share)
    out = []
    for program, n in (("gazelle", gazelles), ("eaglet", rest - gazelles)):
        years = [y for y in ruled.get(program, []) if period - YEARS_BACK <= y <= period]
        if not years:
            raise ValueError(f"no {program} rules for the years {period - YEARS_BACK}-{period}")
        out += [(program, y, k) for y, k in _spread(n, years, period) if k]
    unicorn_years = [y for y in ruled.get("unicorn", []) if y <= period]
    if unicorns:
        if not unicorn_years:
            raise ValueError("no unicorn rules up to the period")
        out.append(("unicorn", max(unicorn_years), unicorns))
    return out


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC)


def generate(ctx: Context) -> None:
    """Calls, runs, filed applications with their events, and certifications."""
    rng = ctx.rng("gradient")
    end = ctx.targets.period.end
    todo = plan(ctx)
    calls: dict[tuple[str, int], int] = {}
    for program, year, _n in todo:
        calls.setdefault((program, year), len(calls) + 1)
    call_rows = [
        (pk, program, year, dt.date(year, 3, 1), dt.date(year, 4, 15), dt.date(year, 5, 15))
        for (program, year), pk in calls.items()
    ]
    ctx.insert(
        GradientCall, ("id", "program", "year", "opens_on", "deadline", "recommend_by"), call_rows
    )
    apps: list[Row] = []
    certs: list[Row] = []
    events: list[Row] = []
    chosen: dict[str, set[int]] = {}
    for program, year, n in todo:
        done = evaluations.run(ctx, program, year)
        taken = chosen.setdefault(program, set())
        # Certified once per program; the status lasts its years.
        pool = [
            f.id
            for f in ctx.firms
            if f.id in done.passed and f.id not in taken and f.founded.year < year
        ]
        if len(pool) < n:
            raise ValueError(f"{n} {program} certifications wanted in {year}, {len(pool)} pass")
        picked = sorted(rng.sample(pool, n))
        taken.update(picked)
        found = evaluations.verdicts(done, picked)
        for firm in picked:
            v = found[firm]
            pk = len(apps) + 1
            applied = _day(rng, dt.date(year, 3, 1), dt.date(year, 4, 15))
            recommended = applied + dt.timedelta(days=20)
            filed = min(_day(rng, dt.date(year, 6, 1), dt.date(year, 6, 30)), end)
            reviewed = min(recommended + dt.timedelta(days=rng.randrange(5, 15)), filed)
            valid_to = deadlines.gradient_valid_to(filed)
            apps.append(
                (
                    *(pk, program, year, firm, calls[(program, year)], "filed", applied),
                    *(recommended, v.spec_version, v.verdict, v.explanation),
                )
            )
            certs.append((pk, pk, firm, program, year, filed, filed, valid_to))
            events += [
                (firm, program, pk, "applied", _at(applied, 9), json.dumps({"verdict": v.verdict})),
                (firm, program, pk, "recommended", _at(recommended, 10), EMPTY),
                (firm, program, pk, "expert_passed", _at(reviewed, 15), EMPTY),
                (
                    *(firm, program, pk, "filed", _at(filed, 11)),
                    json.dumps({"valid_to": valid_to.isoformat()}),
                ),
            ]
    ctx.insert(GradientApplication, GRADIENT_COLS, apps)
    ctx.insert(GradientCertification, CERT_COLS, certs)
    # Ids follow the tech-SME events', as a sequence would give them.
    first = (ApplicationEvent.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    ctx.insert(ApplicationEvent, EVENT_COLS, ((i, *e) for i, e in enumerate(events, first)))
