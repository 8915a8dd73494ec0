"""Batch runs: results and counts stored, who may run what, progress, audit, the command line,
and the enterprise's latest result with its explanation in both languages."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from kechuang.core import jobs
from kechuang.core.models import AuditEntry, Job
from kechuang.core.roles import Role
from kechuang.core.worker import Worker
from kechuang.programs.runs import selectors as sel
from kechuang.programs.runs import services as service
from kechuang.programs.runs.models import EvaluationResult, EvaluationRun
from tests.factories import UserFactory
from tests.programs.runs_support import SCORES, YEAR, province_firms, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(db):
    return province_firms()


def _results(r: EvaluationRun) -> dict[str, EvaluationResult]:
    return {x.enterprise.name: x for x in r.results.select_related("enterprise")}


def test_a_run_stores_one_result_per_enterprise_and_the_counts(firms, province_admin):
    r = run(province_admin)

    assert r.status == "done" and r.stage == "done"
    assert (r.evaluated, r.passed, r.failed, r.ineligible) == (5, 3, 1, 1)
    assert r.spec_version == "tech-sme/2023.1" and r.spec is None
    assert len(r.spec_sha256) == 64 and 'program = "tech-sme"' in r.spec_text
    assert r.seconds is not None and set(r.timings) == {"read", "evaluate", "write"}
    got = _results(r)
    assert {n: (x.verdict, x.eligible, x.score) for n, x in got.items()} == {
        "沈阳通过科技": ("pass", True, Decimal(SCORES["PASS"])),
        "沈阳临界科技": ("pass", True, Decimal(SCORES["NEAR"])),
        "大连低分科技": ("fail", True, Decimal(SCORES["LOW"])),
        "沈阳大型科技": ("fail", False, Decimal(SCORES["BIG"])),
        "沈抚示范区科技": ("pass", True, Decimal(SCORES["PASS"])),
    }
    passed = got["沈阳通过科技"]
    # The points are stored as values, their criteria once on the run.
    assert r.point_keys == ["st_staff", "rd", "ip"] and passed.points == [20, 50, 12]
    assert passed.criterion_points == {"st_staff": 20, "rd": 50, "ip": 12}
    assert passed.qualified_by == "score" and passed.reason_codes == []
    # The reasons are stored as positions in the run's list of the codes the rules can give.
    low = got["大连低分科技"]
    assert low.reason_codes == ["score_below_pass"]
    assert [r.reason_keys[i] for i in low.reasons] == ["score_below_pass"]
    assert "ineligible:staff_cap" in got["沈阳大型科技"].reason_codes
    assert all(x.program == "tech-sme" and x.year == YEAR for x in got.values())


def test_a_city_admin_runs_its_own_city_only(firms, city_admin, dalian_admin):
    r = run(city_admin)
    assert r.city_id == "210100"
    assert set(_results(r)) == {"沈阳通过科技", "沈阳临界科技", "沈阳大型科技"}

    county = run(city_admin, region="210102")
    assert county.region_id == "210102" and county.city_id == "210100"
    assert "沈抚示范区科技" not in _results(county)  # it reports as its own unit

    for other in ("210200", "210202", "SHENFU"):
        with pytest.raises(PermissionDenied):
            run(city_admin, region=other)
    assert set(_results(run(dalian_admin))) == {"大连低分科技"}


def test_the_province_runs_any_region(firms, province_admin):
    assert set(_results(run(province_admin, region="SHENFU"))) == {"沈抚示范区科技"}
    assert set(_results(run(province_admin, region="210202"))) == {"大连低分科技"}
    county = run(province_admin, region="210102")
    assert county.city_id is None  # a county of the province's choosing, whatever its unit
    assert "沈抚示范区科技" in _results(county)


@pytest.mark.parametrize("role", [Role.ZONE_ADMIN, Role.ENTERPRISE, Role.BANK, Role.EXPERT])
def test_other_roles_cannot_run(firms, role):
    user = UserFactory(role=role, zone_id=1 if role == Role.ZONE_ADMIN else None)
    with pytest.raises(PermissionDenied):
        run(user)
    assert not EvaluationRun.objects.exists()


def test_unknown_region_and_missing_rules_are_refused(firms, province_admin):
    with pytest.raises(ValidationError):
        run(province_admin, region="999999")
    with pytest.raises(ValidationError):
        run(province_admin, year=1999)


def test_progress_goes_through_the_stages_to_done(firms, province_admin):
    seen: list[tuple[str, int, int]] = []
    outcome = service.run_evaluation(
        actor=province_admin,
        program="tech-sme",
        year=YEAR,
        progress=lambda *a: seen.append(a),
    )
    stages = [s for s, _d, _t in seen]
    assert stages[0] == "reading" and stages[-1] == "done"
    assert stages.index("evaluating") < stages.index("writing")
    assert seen[-1] == ("done", 5, 5)
    assert outcome.run.percent == 100 and outcome.run.processed == 5


def test_a_queued_run_starts_after_commit_and_ends_done(firms, province_admin, settings):
    outcome = service.run_evaluation(
        actor=province_admin, program="tech-sme", year=YEAR, background=True, key="k"
    )
    assert outcome.run.status == "queued" and outcome.run.percent == 0
    again = service.run_evaluation(
        actor=province_admin, program="tech-sme", year=YEAR, background=True, key="k"
    )
    assert again.run.pk == outcome.run.pk and EvaluationRun.objects.count() == 1
    assert Worker(poll=0, max_jobs=1).run() == 1  # what `kechuang worker` does
    done = EvaluationRun.objects.get(pk=outcome.run.pk)
    assert done.status == "done" and done.evaluated == 5
    assert jobs.for_subject(done).status == "succeeded"


def test_a_run_whose_worker_died_keeps_no_results_and_a_retry_runs_it_again(firms, province_admin):
    outcome = service.run_evaluation(
        actor=province_admin, program="tech-sme", year=YEAR, background=True
    )
    row = jobs.claim("w-gone")
    service.execute(outcome.run.pk)  # as if the worker had written results, then died
    EvaluationRun.objects.filter(pk=outcome.run.pk).update(status="running")
    assert EvaluationResult.objects.filter(run=outcome.run).exists()
    Job.objects.filter(pk=row.pk).update(host="elsewhere", heartbeat_at="2000-01-01T00:00Z")
    [swept] = jobs.sweep()
    dead = EvaluationRun.objects.get(pk=outcome.run.pk)
    assert dead.status == "failed" and "没有心跳" in dead.error
    assert dead.error == swept.error
    assert not EvaluationResult.objects.filter(run=dead).exists()
    again = jobs.retry(swept, province_admin)
    assert Worker(poll=0, max_jobs=1).run() == 1
    assert Job.objects.get(pk=again.pk).status == "succeeded"
    rerun = EvaluationRun.objects.get(pk=dead.pk)
    assert rerun.status == "done" and EvaluationResult.objects.filter(run=rerun).count() == 5


def test_a_failed_run_says_why_and_keeps_no_results(firms, province_admin):
    r = service.run_create(actor=province_admin, program="tech-sme", year=YEAR)
    EvaluationRun.objects.filter(pk=r.pk).update(spec_text="program = ")
    with pytest.raises(Exception):  # noqa: B017 - whatever breaks, the run records it
        service.execute(r.pk)
    r.refresh_from_db()
    assert r.status == "failed" and r.error and r.finished
    assert not EvaluationResult.objects.filter(run=r).exists()


def test_runs_are_audited_at_start_and_end(firms, province_admin):
    r = run(province_admin)
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(EvaluationRun), object_id=str(r.pk)
    ).order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    assert all(e.actor == province_admin for e in entries)
    assert entries[1].changes["status"] == ["queued", "done"]
    assert entries[1].changes["passed"] == [0, 3]
    assert "spec_text" not in entries[0].changes


def test_the_enterprise_sees_its_latest_result_explained_in_both_languages(firms, province_admin):
    firm = firms["near"]
    user = UserFactory(role=Role.ENTERPRISE, organization_id=firm.pk)
    run(province_admin)
    newer = run(province_admin, region="210100")
    run(province_admin, program="gazelle")

    latest = {r.program: r for r in sel.latest_results(user=user, enterprise=firm)}
    assert set(latest) == {"tech-sme", "gazelle"}
    assert latest["tech-sme"].run_id == newer.pk
    zh = sel.explanation(latest["tech-sme"], "zh-hans")
    en = sel.explanation(latest["tech-sme"], "en")
    assert zh[0] == "评价通过：得分66分（通过线60分）。"
    assert en[0] == "Passed with 66 points (pass mark 60)."
    assert "科技人员占职工总数的12%，得4分（满分20分）。" in zh
    assert any(s.startswith("S&T staff are 12% of total staff: 4 of 20 points") for s in en)
    # Another enterprise's results stay hidden from it.
    assert not sel.result_list(user=user).exclude(enterprise=firm).exists()


def test_results_are_scoped_like_the_enterprises(firms, province_admin, city_admin, dalian_admin):
    r = run(province_admin)
    assert sel.run_results(user=province_admin, run=r).count() == 5
    assert {x.enterprise.name for x in sel.run_results(user=dalian_admin, run=r)} == {
        "大连低分科技"
    }
    assert sel.run_results(user=city_admin, run=r).count() == 3
    # Runs: the province sees every run, a bureau those of its city.
    mine = run(city_admin)
    assert set(sel.run_list(user=city_admin)) == {mine}
    assert set(sel.run_list(user=province_admin)) == {r, mine}
    assert not sel.run_list(user=dalian_admin).exists()


def test_innovation_points_keep_the_breakdown_stage_rank_and_tier(db, province_admin):
    from tests.programs.runs_support import firm

    for i in range(6):
        firm(f"积分{i}", figures={"rd_expense": Decimal(1_000_000 + 100_000 * i)})
    r = run(province_admin, program="innovation-points")
    results = list(r.results.order_by("rank"))
    assert len(results) == 6
    assert [x.rank for x in results] == [1, 2, 3, 4, 5, 6]
    assert {x.cohort_size for x in results} == {6}
    assert {x.stage for x in results} == {"growth"}
    assert results[0].percentile == Decimal("100.00")
    assert results[0].tier == "leaders_1" and results[-1].tier == ""
    top, last = results[0].criterion_points, results[-1].criterion_points
    assert list(top) == r.point_keys and len(top) > 10
    assert top["rd_expense"] > last["rd_expense"]


def test_the_command_line_runs_from_the_database_and_writes_the_output(firms, tmp_path, city_admin):
    out = tmp_path / "out.csv"
    err = io.StringIO()
    call_command(
        "evaluate", "tech-sme", "--year", str(YEAR), "--from-db", "--output", str(out), stderr=err
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 5
    assert rows[0].keys() >= {"uscc", "program", "spec_version", "verdict", "points_st_staff"}
    by_uscc = {r["uscc"]: r for r in rows}
    assert by_uscc[firms["low"].uscc]["reasons"] == "score_below_pass"
    assert "reading" in err.getvalue() and "5 enterprises, 3 pass" in err.getvalue()
    r = EvaluationRun.objects.get()
    assert r.source == "cli" and r.started_by is None and r.status == "done"

    call_command(
        "evaluate",
        "tech-sme",
        "--year",
        str(YEAR),
        "--from-db",
        "--user",
        city_admin.username,
        "--output",
        str(out),
        stderr=io.StringIO(),
    )
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 3
    with pytest.raises(CommandError, match="may not"):
        call_command(
            "evaluate",
            "tech-sme",
            "--year",
            str(YEAR),
            "--from-db",
            "--region",
            "210200",
            "--user",
            city_admin.username,
            stderr=io.StringIO(),
        )


def test_a_run_over_the_pilot_zones_reads_only_their_enterprises(db, province_admin):
    import datetime as dt

    from kechuang.core.models import HighTechZone
    from kechuang.programs.points.models import PointsPilotZone
    from tests.programs.runs_support import firm

    pilot, other = HighTechZone.objects.order_by("pk")[:2]
    inside = [firm(f"试点{i}", zone=pilot) for i in range(3)]
    firm("非试点", zone=other)
    firm("区外")
    # No pilot zone yet: nobody is read.
    empty = run(province_admin, program="innovation-points", pilot_zones=True)
    assert empty.pilot_zones and empty.status == "done" and empty.evaluated == 0
    PointsPilotZone.objects.create(zone=pilot, since=dt.date(YEAR, 3, 1))
    r = run(province_admin, program="innovation-points", pilot_zones=True)
    assert {x.enterprise_id for x in r.results.all()} == {e.pk for e in inside}
    assert {x.cohort.split("|")[0] for x in r.results.all()} == {str(pilot.pk)}
    # A pilot from a later year is not read by this year's run.
    PointsPilotZone.objects.create(zone=other, since=dt.date(YEAR + 1, 1, 1))
    again = run(province_admin, program="innovation-points", pilot_zones=True)
    assert again.evaluated == 3
    assert run(province_admin, program="innovation-points").evaluated == 5
