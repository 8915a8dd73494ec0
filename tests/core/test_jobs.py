"""The durable jobs: queueing with an idempotency key, claiming (heavy ones limited),
progress, the end of a job (its error and traceback logged), sweeping and retrying."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from kechuang.core import jobs
from kechuang.core.models import Job
from kechuang.core.worker import Worker

pytestmark = pytest.mark.django_db


def test_a_key_makes_a_second_submit_return_the_first_job(province_admin):
    first = jobs.enqueue("core.selftest", actor=province_admin, key="form-1")
    again = jobs.enqueue("core.selftest", actor=province_admin, key="form-1")
    other = jobs.enqueue("core.selftest", actor=province_admin, key="form-2")
    assert again.pk == first.pk and other.pk != first.pk
    assert Job.objects.count() == 2
    assert first.status == "queued" and first.scope == "province"


def test_inline_jobs_run_at_once_and_record_progress(province_admin, settings):
    settings.JOBS_INLINE = True
    row = jobs.enqueue("core.selftest", actor=province_admin, params={"steps": 3, "pause": 0})
    assert row.status == "succeeded" and (row.done, row.total, row.phase) == (3, 3, "done")
    assert row.percent == 100 and row.pid == os.getpid() and row.finished_at


def test_a_failure_keeps_error_and_traceback_and_is_logged(province_admin, settings, caplog):
    settings.JOBS_INLINE = True
    with caplog.at_level(logging.ERROR, logger="kechuang.jobs"):
        row = jobs.enqueue("core.selftest", actor=province_admin, params={"fail": 1, "pause": 0})
    assert row.status == "failed" and row.error == "RuntimeError: self-test asked to fail"
    assert "Traceback" in row.traceback and "selftest" in row.traceback
    assert any(r.exc_info and f"#{row.pk} failed" in r.getMessage() for r in caplog.records)


def test_claims_take_the_oldest_and_respect_the_heavy_limit(province_admin, settings):
    settings.JOBS_MAX_HEAVY = 1
    heavy1 = jobs.enqueue("core.selftest", actor=province_admin, heavy=True)
    heavy2 = jobs.enqueue("core.selftest", actor=province_admin, heavy=True)
    light = jobs.enqueue("core.selftest", actor=province_admin)
    assert jobs.claim("w1").pk == heavy1.pk
    assert jobs.claim("w2").pk == light.pk  # the second heavy one waits
    assert jobs.claim("w3") is None
    Job.objects.filter(pk=heavy1.pk).update(status="succeeded")
    assert jobs.claim("w3").pk == heavy2.pk


def test_progress_is_rate_limited_within_a_phase(province_admin, settings):
    settings.JOBS_PROGRESS_EVERY = 60
    row = jobs.enqueue("core.selftest", actor=province_admin)
    jobs.progress(row, 1, 10, "a")
    jobs.progress(row, 2, 10, "a")  # too soon: not written
    assert Job.objects.get(pk=row.pk).done == 1
    jobs.progress(row, 3, 10, "b")  # a new phase is always written
    jobs.progress(row, 4, 10, "b", force=True)
    stored = Job.objects.get(pk=row.pk)
    assert (stored.done, stored.phase) == (4, "b") and stored.heartbeat_at


def test_sweep_fails_jobs_of_dead_or_silent_workers_and_retry_requeues(
    province_admin, city_admin, settings
):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    gone = jobs.enqueue("core.selftest", actor=province_admin)
    jobs.claim("w-dead")
    Job.objects.filter(pk=gone.pk).update(pid=dead.pid)
    alive = jobs.enqueue("core.selftest", actor=province_admin)
    jobs.claim("w-alive")  # this very process: alive
    far = jobs.enqueue("core.selftest", actor=province_admin)
    jobs.claim("w-far")
    Job.objects.filter(pk=far.pk).update(host="elsewhere", heartbeat_at="2000-01-01T00:00Z")

    swept = {j.pk: j for j in jobs.sweep(me="w-alive")}
    assert set(swept) == {gone.pk, far.pk}
    assert f"执行进程 {dead.pid} 已退出" in swept[gone.pk].error
    assert "没有心跳" in swept[far.pk].error
    assert Job.objects.get(pk=alive.pk).status == "running"

    with pytest.raises(jobs.PermissionDenied):
        jobs.retry(swept[gone.pk], city_admin)  # not its job, not its scope
    again = jobs.retry(swept[gone.pk], province_admin)
    assert again.status == "queued" and again.retry_of_id == gone.pk
    assert jobs.retry(swept[gone.pk], province_admin).pk == again.pk  # a double submit


def test_visibility_follows_the_owner_and_the_scope(province_admin, city_admin, dalian_admin):
    mine = jobs.enqueue("core.selftest", actor=city_admin)
    theirs = jobs.enqueue("core.selftest", actor=dalian_admin)
    assert list(jobs.visible(city_admin)) == [mine]
    assert set(jobs.visible(province_admin)) == {mine, theirs}


def test_a_worker_in_this_process_runs_queued_jobs(province_admin):
    row = jobs.enqueue("core.selftest", actor=province_admin, params={"steps": 2, "pause": 0})
    assert Worker(poll=0, max_jobs=1).run() == 1
    row.refresh_from_db()
    assert row.status == "succeeded" and row.worker.endswith(row.worker.rsplit(":", 1)[1])
