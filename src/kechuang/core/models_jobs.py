"""The durable job: one row per piece of background work (an import, a run, an export).

The row is the queue (the worker claims `queued` rows), the progress a page polls, and the
record of how the work ended: the error with its traceback, or the file it produced.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The phases handlers report, as the pages name them (a handler may report others).
PHASES: dict[str, Any] = {
    "reading": _("读取数据"),
    "validating": _("校验"),
    "checking": _("检查"),
    "evaluating": _("评价"),
    "writing": _("写入"),
    "auditing": _("记录审计"),
    "counting": _("计数"),
    "done": _("收尾"),
}


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    kind = models.CharField(_("类型"), max_length=60)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    heavy = models.BooleanField(_("大任务"), default=False)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    # "<app>.<model>:<pk>" of the domain row the job works on (an import, a run), if any.
    subject = models.CharField(_("对象"), max_length=80, blank=True, db_index=True)
    done = models.PositiveBigIntegerField(_("已处理"), default=0)
    total = models.PositiveBigIntegerField(_("总数"), default=0)
    phase = models.CharField(_("阶段"), max_length=40, blank=True)
    message = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who else may see the job and its file: users of the same scope ("province",
    # "city:210100", "zone:3", "org:enterprise:5", "user:7").
    scope = models.CharField(_("范围"), max_length=40, blank=True, db_index=True)
    city = models.ForeignKey(
        "core.Region",
        verbose_name=_("所属市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    host = models.CharField(_("主机"), max_length=100, blank=True)
    pid = models.PositiveIntegerField(_("进程号"), null=True, blank=True)
    worker = models.CharField(_("执行进程"), max_length=120, blank=True)
    error = models.TextField(_("错误"), blank=True)
    traceback = models.TextField(_("错误堆栈"), blank=True)
    result = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True, max_length=300)
    result_name = models.CharField(_("文件名"), max_length=200, blank=True)
    # A retried POST carries the same key: the second submit finds the first job.
    key = models.CharField(_("幂等键"), max_length=120, null=True, blank=True, unique=True)
    retry_of = models.ForeignKey(
        "self",
        verbose_name=_("重试自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retries",
    )

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heavy", "id"], name="job_queue")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def phase_label(self) -> Any:
        return PHASES.get(self.phase, self.phase)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else 0
