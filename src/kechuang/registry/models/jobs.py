"""Background imports: one row per uploaded file, with its progress and its outcome."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Region, TimeStampedModel
from kechuang.core.scoping import ScopePolicy


def _batch() -> str:
    return uuid.uuid4().hex


class ImportJob(TimeStampedModel):
    """An import of enterprises and yearly data; its `batch` marks its audit entries."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        REJECTED = "rejected", _("有错误,未导入")
        FAILED = "failed", _("执行失败")

    class Phase(models.TextChoices):
        QUEUED = "", _("等待")
        READING = "reading", _("读取文件")
        VALIDATING = "validating", _("校验数据")
        CHECKING = "checking", _("比对已有数据")
        WRITING = "writing", _("写入数据库")
        AUDITING = "auditing", _("记录操作日志")
        DONE = "done", _("结束")

    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    dry_run = models.BooleanField(_("仅校验"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    phase = models.CharField(_("阶段"), max_length=12, choices=Phase.choices, blank=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    counts = models.JSONField(_("新建/更新/未变条数"), default=dict, blank=True)
    errors = models.JSONField(_("错误报告"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    batch = models.CharField(_("批次"), max_length=40, unique=True, default=_batch)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The city of a city bureau's import, so that the bureau sees its own jobs.
    city = models.ForeignKey(
        Region,
        verbose_name=_("所属市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    scope_policy = ScopePolicy(city="city", editable_by_owner=False)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.REJECTED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
