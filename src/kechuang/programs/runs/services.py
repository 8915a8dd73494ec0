"""Batch evaluations of the registry: who may run one, and running it with progress.

`run_evaluation` checks the actor, records the run (audited), then evaluates — in the caller's
process (the command line, the demo) or, from the web and the API, as a durable job run by
`kechuang worker` (core/jobs.py). The run row is updated outside any transaction, so a page
polling it sees the stage and the rows written so far; the results of a run that fails are
removed (by the run itself, or by the sweep when its worker died), and only finished runs
are ever shown.

A run's status is its job's (queued, running, done, failed), moved by the worker and never by
a person, so it has no workflow: the run's creation and its end are audited here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, jobs, scoping
from kechuang.core.models import AuditEntry, Job, Region
from kechuang.core.roles import Role
from kechuang.programs import specs
from kechuang.programs.frames import Selection, for_specs, registry_frame
from kechuang.programs.points.models import PointsPilotZone
from kechuang.programs.runs import results
from kechuang.programs.runs.models import EvaluationResult, EvaluationRun
from kechuang.rules import Spec, SpecError, evaluate, load_spec

Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 0.5  # seconds between progress writes of one stage
S = EvaluationRun.Status
# Runs started without a user: the command line, and the demo's generator.
SYSTEM_SOURCES = ("cli", "demo")
KIND = "programs.run"
log = logging.getLogger("kechuang.jobs")


@dataclass(frozen=True)
class Outcome:
    """A finished run and, for the command line's output file, the engine's rows."""

    run: EvaluationRun
    result: pl.DataFrame | None


def can_run(user: Any) -> bool:
    """The province anywhere; a city bureau within its own city."""
    return scoping.role_of(user) in (Role.PROVINCE_ADMIN, Role.CITY_ADMIN)


def _scope(actor: Any, region_code: str | None) -> tuple[Region | None, str | None]:
    """(the region filter, the reporting unit the run is confined to). Checks permission."""
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code.strip().upper()).first()
        if region is None or region.level == Region.Level.PROVINCE:
            raise ValidationError(
                {"region": _("未知的区划代码:%(code)s")}, params={"code": region_code}
            )
    if actor is None:  # the command line, run by whoever operates the server
        return region, region.code if region and region.is_reporting_unit else None
    role = scoping.role_of(actor)
    if role == Role.PROVINCE_ADMIN:
        return region, region.code if region and region.is_reporting_unit else None
    scoping.require(role == Role.CITY_ADMIN)
    own = actor.city_id
    scoping.require(region is None or region.code == own or region.parent_id == own)
    return region, own


def _spec(program: str, year: int, spec_file: Path | None) -> tuple[Any, str, Any]:
    """(spec, its text, the published version or None)."""
    try:
        if spec_file is not None:
            spec = load_spec(spec_file)
            if spec.program != program or spec.year != year:
                raise ValidationError(
                    _("规则文件是%(program)s %(year)s年度的,不是所选的项目和年度"),
                    params={"program": spec.program, "year": spec.year},
                )
            return spec, Path(spec_file).read_text(encoding="utf-8"), None
        active = specs.active_spec(program, year)
    except SpecError as exc:
        raise ValidationError(
            _("没有可用的评价规则:%(error)s"), params={"error": specs.spec_error_text(exc)}
        ) from exc
    return active.spec, active.text, active.record


def _snapshot(run: EvaluationRun) -> dict[str, Any]:
    snap = audit.snapshot(run)
    for bulky in ("spec_text", "detail_keys", "timings"):  # kept on the run itself
        snap.pop(bulky, None)
    return snap


def run_create(
    *,
    actor: Any,
    program: str,
    year: int,
    region: str | None = None,
    spec_file: Path | None = None,
    source: str = "web",
    pilot_zones: bool = False,
) -> EvaluationRun:
    """Check the actor and record a queued run of `program`'s rules for `year`;
    `pilot_zones`: only the enterprises of the zones piloting innovation points."""
    if actor is not None or source not in SYSTEM_SOURCES:
        scoping.require(can_run(actor))
    where, city = _scope(actor, region)
    spec, text, record = _spec(program, year, spec_file)
    with transaction.atomic():
        run = EvaluationRun.objects.create(
            program=spec.program,
            year=spec.year,
            spec_version=spec.version,
            spec_text=text,
            spec_sha256=specs.digest(text),
            spec=record,
            region=where,
            city_id=city,
            started_by=actor,
            source=source,
            pilot_zones=pilot_zones,
        )
        audit.record(actor, AuditEntry.Action.CREATE, run, None, _snapshot(run), source=source)
    return run


def run_evaluation(
    *,
    actor: Any,
    program: str,
    year: int,
    region: str | None = None,
    spec_file: Path | None = None,
    source: str = "web",
    background: bool = False,
    progress: Progress | None = None,
    keep_result: bool = False,
    pilot_zones: bool = False,
    key: str | None = None,
) -> Outcome:
    """Create a run and evaluate it here, or (`background`) queue it as a job; a second
    submit with the same `key` returns the first run."""
    if background and (found := jobs.existing(KIND, actor=actor, key=key)) is not None:
        return Outcome(EvaluationRun.objects.get(pk=found.params["run"]), None)
    with transaction.atomic():
        run = run_create(
            actor=actor,
            program=program,
            year=year,
            region=region,
            spec_file=spec_file,
            source=source,
            pilot_zones=pilot_zones,
        )
        if background:
            jobs.enqueue(
                KIND,
                actor=actor,
                params={"run": run.pk},
                key=key,
                subject=jobs.subject_of(run),
                city=run.city_id,
            )
    if background:
        run.refresh_from_db()
        return Outcome(run, None)
    return execute(run.pk, progress=progress, keep_result=keep_result)


def _abandoned(row: Job, reason: str) -> None:
    """The run's worker died mid-run: no half-written results stay, the run says why."""
    runs = EvaluationRun.objects.filter(pk=row.params["run"], status__in=[S.QUEUED, S.RUNNING])
    before = runs.first()
    if before is None:
        return
    EvaluationResult.objects.filter(run_id=before.pk).delete()
    runs.update(
        status=S.FAILED, stage=EvaluationRun.Stage.DONE, error=reason, finished_at=timezone.now()
    )
    _audit_end(before, runs.get())


@jobs.job(KIND, heavy=True, cleanup=_abandoned)
def run_task(row: Job) -> None:
    execute(
        row.params["run"],
        progress=lambda stage, done, total: jobs.progress(row, done, total, stage),
    )


def _selection(run: EvaluationRun, spec: Spec) -> Selection:
    county = run.region_id if run.region and not run.region.is_reporting_unit else None
    zones = None
    if run.pilot_zones:  # the zones piloting by the end of the run's year
        pilots = PointsPilotZone.objects.filter(since__year__lte=run.year)
        zones = tuple(pilots.order_by("zone_id").values_list("zone_id", flat=True))
    return for_specs(spec, city=run.city_id, county=county, zones=zones)


class _Report:
    """A run's stage and progress, written on its row (and to its job) as it goes — within a
    stage at most every PROGRESS_EVERY seconds — and the time each stage took."""

    def __init__(self, runs: QuerySet[EvaluationRun], progress: Progress | None) -> None:
        self.runs = runs
        self.progress = progress
        self.began = time.monotonic()
        self.last = 0.0
        self.timings: dict[str, float] = {}

    def stage(self, name: str, done: int = 0, total: int = 0, force: bool = True) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        self.runs.update(stage=name, processed=done, total=total)
        if self.progress is not None:
            self.progress(name, done, total)

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        mark = time.monotonic()
        yield
        self.timings[name] = time.monotonic() - mark

    def seconds(self) -> float:
        return time.monotonic() - self.began


def execute(run_id: int, progress: Progress | None = None, keep_result: bool = False) -> Outcome:
    """Evaluate a queued run to its end; whatever happens, the run row says how it ended."""
    runs = EvaluationRun.objects.filter(pk=run_id)
    run = runs.select_related("region", "started_by").get()
    report = _Report(runs, progress)
    _start(run, runs)
    try:
        spec = specs.load_text(run.spec_text)
        frame = _read(run, spec, report)
        result, table = _evaluate(run, spec, frame, report)
        _write(table, report)
    except Exception as exc:  # recorded on the run; the job logs it with its traceback
        _fail(run, runs, exc, report)
        raise
    done = _finish(run, runs, result, table, report)
    return Outcome(done, result if keep_result else None)


def _start(run: EvaluationRun, runs: QuerySet[EvaluationRun]) -> None:
    # A retried run starts again from nothing.
    EvaluationResult.objects.filter(run_id=run.pk).delete()
    runs.update(status=S.RUNNING, started_at=timezone.now(), finished_at=None, error="")


def _read(run: EvaluationRun, spec: Spec, report: _Report) -> pl.DataFrame:
    """The registry's rows the run evaluates."""
    report.stage(EvaluationRun.Stage.READING)
    with report.timed("read"):
        return registry_frame(_selection(run, spec))


def _evaluate(
    run: EvaluationRun, spec: Spec, frame: pl.DataFrame, report: _Report
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the engine's rows, the result table to write), and the run's keys of the table."""
    firms = frame["enterprise_id"].n_unique() if frame.height else 0
    report.stage(EvaluationRun.Stage.EVALUATING, 0, firms)
    with report.timed("evaluate"):
        result = evaluate(spec, frame)
        table = results.result_table(spec, result, frame, run.pk)
    # The keys first: a row written is read with them.
    report.runs.update(
        point_keys=results.point_keys(spec),
        reason_keys=results.reason_keys(spec),
        detail_keys=results.detail_keys(result),
    )
    return result, table


def _write(table: pl.DataFrame, report: _Report) -> None:
    report.stage(EvaluationRun.Stage.WRITING, 0, table.height)
    # Chunks of about a twentieth, so that the page's progress moves while they go in.
    chunk = min(results.CHUNK, max(5_000, table.height // 20))
    with report.timed("write"):
        results.write(
            table,
            lambda n: report.stage(EvaluationRun.Stage.WRITING, n, table.height, force=False),
            chunk=chunk,
        )


def _fail(
    run: EvaluationRun, runs: QuerySet[EvaluationRun], exc: Exception, report: _Report
) -> None:
    """No half-written results stay; the run says what went wrong."""
    EvaluationResult.objects.filter(run_id=run.pk).delete()
    runs.update(
        status=S.FAILED,
        stage=EvaluationRun.Stage.DONE,
        error=f"{type(exc).__name__}: {exc}"[:4000],
        finished_at=timezone.now(),
        seconds=report.seconds(),
    )
    _audit_end(run, runs.get())


def _finish(
    run: EvaluationRun,
    runs: QuerySet[EvaluationRun],
    result: pl.DataFrame,
    table: pl.DataFrame,
    report: _Report,
) -> EvaluationRun:
    """The run's counts and timings, and its end in the audit trail."""
    passed = int((result["verdict"] == "pass").sum())
    ineligible = int((~result["eligible"]).sum())
    runs.update(
        status=S.DONE,
        stage=EvaluationRun.Stage.DONE,
        processed=table.height,
        total=table.height,
        evaluated=result.height,
        passed=passed,
        ineligible=ineligible,
        failed=result.height - passed - ineligible,
        timings={k: round(v, 3) for k, v in report.timings.items()},
        finished_at=timezone.now(),
        seconds=report.seconds(),
    )
    if report.progress is not None:
        report.progress(EvaluationRun.Stage.DONE, table.height, table.height)
    done = runs.get()
    _audit_end(run, done)
    return done


def _audit_end(before: EvaluationRun, after: EvaluationRun) -> None:
    audit.record(
        before.started_by,
        AuditEntry.Action.UPDATE,
        after,
        _snapshot(before),
        _snapshot(after),
        source=before.source,
    )
