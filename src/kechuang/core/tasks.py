"""Job handlers of the core: a self-test that shows a worker is alive and reports progress."""

from __future__ import annotations

import time

from django.utils.translation import gettext_lazy as _

from kechuang.core import jobs
from kechuang.core.models import Job


@jobs.job("core.selftest", label=_("自检任务"))
def selftest(job: Job) -> None:
    """Counts `steps` steps of `pause` seconds; fails at the end when `fail` is set."""
    steps = int(job.params.get("steps", 10))
    pause = float(job.params.get("pause", 0.1))
    for step in range(steps):
        jobs.progress(job, step, steps, "counting")
        time.sleep(pause)
    if job.params.get("fail"):
        raise RuntimeError("self-test asked to fail")
    jobs.progress(job, steps, steps, "done", force=True)
