"""The programs of the demo province: tech-SME evaluation registrations and admissions
(F15, F16, F17), gradient certifications (F18, F19) and innovation points (F24).

Counts of enterprises are multiplied by --scale like the enterprises themselves; at 1.0 they
are the bulletin's. The services work one enterprise at a time (numbers locked per county),
far too slow for tens of thousands of rows, so rows are written in bulk as the services
would leave them: an admitted application, its admission with the county's next number and
the validity the year's spec sets, the "admitted" event; the counties' serial counters are
set past the numbers given out so that later admissions through the services continue them.
Who is admitted is not drawn at random from the registered: the programs' own batch runs
evaluate the registry for each year, and only registered enterprises the run passes are
admitted, their applications recording the run's verdict, score and explanation.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from kechuang.demo import certifications, evaluations, points
from kechuang.demo.context import Context
from kechuang.programs import assessment, deadlines
from kechuang.programs.common import ApplicationEvent, Program
from kechuang.programs.gradient.models import (
    GradientApplication,
    GradientCall,
    GradientCertification,
)
from kechuang.programs.techsme.models import (
    Admission,
    AdmissionSerial,
    EvaluationRegistration,
    TechSMEApplication,
)

MODELS: tuple[type[models.Model], ...] = (
    ApplicationEvent,
    GradientCertification,
    GradientApplication,
    GradientCall,
    Admission,
    AdmissionSerial,
    TechSMEApplication,
    EvaluationRegistration,
)
FIRST_REGISTRATION = dt.date(2017, 5, 1)  # the national evaluation service opened
EMPTY = json.dumps({})  # JSON columns go to the database as text
Row = tuple[Any, ...]


def clear() -> None:
    for model in MODELS:
        model._default_manager.all().delete()
    evaluations.clear()
    points.clear()


def scaled(ctx: Context, n: int) -> int:
    return round(n * ctx.scale)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def generate(ctx: Context) -> None:
    registered = registrations(ctx)
    year = ctx.targets.period.year
    runs = {y: evaluations.run(ctx, Program.TECH_SME, y) for y in (year - 1, year)}
    admissions(ctx, registered, runs)
    certifications.generate(ctx)
    points.generate(ctx)


def registrations(ctx: Context) -> dict[int, dt.date]:
    """Registrations by date: before the prior period's end, up to the period, in it."""
    t = ctx.targets
    rng = ctx.rng("registrations")
    start, end = t.period.start, t.period.end
    prior_end = dt.date(start.year - 1, 6, 30)
    total, new = t.count("F16"), t.count("F15")
    prior_total = int(t.prior["F16"])  # type: ignore[arg-type]
    buckets = [
        (FIRST_REGISTRATION, prior_end, scaled(ctx, prior_total)),
        (prior_end + dt.timedelta(days=1), start - dt.timedelta(days=1), 0),
        (start, end, scaled(ctx, new)),
    ]
    # The middle part is what is left, so the total at the end comes out at scale 1.0.
    buckets[1] = (buckets[1][0], buckets[1][1], scaled(ctx, total - new - prior_total))
    used: set[int] = set()
    out: dict[int, dt.date] = {}
    for first, last, n in buckets:
        eligible = [f for f in ctx.firms if f.id not in used and f.founded <= last]
        if n > len(eligible):
            raise ValueError(f"{n} registrations wanted, {len(eligible)} enterprises eligible")
        for f in rng.sample(eligible, n):
            used.add(f.id)
            out[f.id] = max(_day(rng, first, last), f.founded, first)
    rows = ((i, firm, day) for i, (firm, day) in enumerate(sorted(out.items()), start=1))
    ctx.insert(EvaluationRegistration, ("id", "enterprise_id", "registered_on"), rows)
    return out


def _valid_to(year: int) -> dt.date:
    try:
        spec_end = assessment.spec_for(Program.TECH_SME, year).valid_until
    except ValidationError:
        spec_end = None  # no spec of that year in the repository: the default applies
    return deadlines.validity_end(year, spec_end)


def admissions(
    ctx: Context, registered: dict[int, dt.date], runs: dict[int, evaluations.Run]
) -> None:
    """Admissions in the period (F17), the same period a year earlier, and the half between,
    each in a few notice batches; only registered enterprises that pass the year's run are
    admitted, and each application records its result."""
    t = ctx.targets
    rng = ctx.rng("admissions")
    year = t.period.year
    plan = [
        (year - 1, dt.date(year - 1, 1, 1), dt.date(year - 1, 6, 30), int(t.prior["F17"])),  # type: ignore[arg-type]
        (year - 1, dt.date(year - 1, 7, 1), dt.date(year - 1, 12, 31), 0),
        (year, t.period.start, t.period.end, t.count("F17")),
    ]
    plan[1] = (*plan[1][:3], int(t.param("admissions_h2", 1_650)))
    county = {f.id: f.county for f in ctx.firms}
    letter = str(deadlines.setting("number_letter"))
    serials: dict[tuple[int, str], int] = {}
    apps: list[Row] = []
    adms: list[Row] = []
    events: list[Row] = []
    admitted: dict[int, set[int]] = {}
    for ev_year, first, last, n in plan:
        n = scaled(ctx, n)
        batches = sorted({_day(rng, first + dt.timedelta(days=20), last) for _ in range(5)})
        taken = admitted.setdefault(ev_year, set())
        passed = runs[ev_year].passed
        eligible = [
            e for e, d in registered.items() if d < first and e not in taken and e in passed
        ]
        if n > len(eligible):
            raise ValueError(
                f"{n} admissions wanted in {ev_year}, {len(eligible)} registered enterprises pass"
            )
        valid_to = _valid_to(ev_year)
        chosen = sorted(rng.sample(eligible, n))
        found = evaluations.verdicts(runs[ev_year], chosen)
        for firm in chosen:
            v = found[firm]
            taken.add(firm)
            day = rng.choice(batches)
            key = (ev_year, county[firm])
            serials[key] = serials.get(key, 0) + 1
            number = f"{ev_year:04d}{county[firm]}{letter}{serials[key]:07d}"
            pk = len(apps) + 1
            submitted = day - dt.timedelta(days=rng.randrange(30, 60))
            apps.append(
                (
                    *(pk, firm, ev_year, "admitted", EMPTY, v.spec_version, v.score, v.verdict),
                    *(v.qualified_by, submitted, submitted, v.result, v.explanation),
                )
            )
            adms.append(
                (pk, pk, firm, ev_year, county[firm], serials[key], number, day, day, valid_to)
            )
            at = dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)
            data = json.dumps({"number": number, "valid_to": valid_to.isoformat()})
            events.append((pk, firm, Program.TECH_SME, pk, "admitted", at, data))
    ctx.insert(
        TechSMEApplication,
        (
            "id",
            "enterprise_id",
            "year",
            "status",
            "figures",
            "spec_version",
            "score",
            "verdict",
            "qualified_by",
            "submitted_on",
            "reviewed_on",
            "result",
            "explanation",
        ),
        apps,
    )
    ctx.insert(
        Admission,
        (
            "id",
            "application_id",
            "enterprise_id",
            "year",
            "county_id",
            "serial",
            "number",
            "admitted_on",
            "valid_from",
            "valid_to",
        ),
        adms,
    )
    ctx.insert(
        ApplicationEvent,
        ("id", "enterprise_id", "program", "tech_sme_id", "kind", "at", "data"),
        events,
    )
    counters = ((i, y, c, last) for i, ((y, c), last) in enumerate(sorted(serials.items()), 1))
    ctx.insert(AdmissionSerial, ("id", "year", "county_id", "last"), counters)
