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


def test_a_queued_job_is_cancelled_at_once_and_never_runs(province_admin, enterprise_user):
    row = jobs.enqueue("core.selftest", actor=province_admin)
    assert not jobs.can_cancel(enterprise_user, row)
    with pytest.raises(jobs.PermissionDenied):
        jobs.cancel(row, enterprise_user)
    assert jobs.cancel(row, province_admin) is True
    row.refresh_from_db()
    assert row.status == "cancelled" and row.finished_at and "province" in row.error
    assert jobs.claim("w1") is None
    assert jobs.cancel(row, province_admin) is False  # ended already
    assert not jobs.can_cancel(province_admin, row)


def test_a_running_job_stops_at_its_next_progress_report(province_admin, settings):
    settings.JOBS_INLINE = True
    seen = []

    @jobs.job("test.cancelled-midway")
    def handler(job):
        jobs.progress(job, 1, 10, "counting", force=True)
        Job.objects.filter(pk=job.pk).update(status="cancelled")  # another user cancels
        seen.append(job.pk)
        jobs.progress(job, 2, 10, "counting", force=True)
        seen.append("not reached")

    try:
        row = jobs.enqueue("test.cancelled-midway", actor=province_admin)
    finally:
        jobs.KINDS.pop("test.cancelled-midway")
    assert seen == [row.pk]
    assert row.status == "cancelled" and row.finished_at and row.traceback == ""


def test_the_page_and_the_api_cancel(client, province_admin):
    row = jobs.enqueue("core.selftest", actor=province_admin)
    client.force_login(province_admin)
    page = client.get(f"/jobs/{row.pk}/")
    assert 'id="cancel"' in page.content.decode()
    response = client.post(f"/jobs/{row.pk}/cancel/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "cancelled"
    assert 'id="cancel"' not in client.get(f"/jobs/{row.pk}/").content.decode()
    other = jobs.enqueue("core.selftest", actor=province_admin)
    answer = client.post(f"/api/v1/jobs/{other.pk}/cancel")
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"


def test_the_phase_is_shown_by_name(client, province_admin):
    row = jobs.enqueue("core.selftest", actor=province_admin)
    Job.objects.filter(pk=row.pk).update(status="running", phase="validating")
    client.force_login(province_admin)
    html = client.get(f"/jobs/{row.pk}/").content.decode()
    assert "校验" in html and "validating" not in html
