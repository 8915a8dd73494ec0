"""A record of each demo build, so that `make run` can serve an existing demo as it is."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoBuild(models.Model):
    """One generation of the demo province: its parameters and the rows it wrote."""

    seed = models.BigIntegerField(_("随机种子"))
    scale = models.DecimalField(_("规模"), max_digits=8, decimal_places=4)
    period = models.CharField(_("目标期"), max_length=10)
    targets_digest = models.CharField(_("目标文件摘要"), max_length=64)
    targets_source = models.CharField(_("目标文件"), max_length=300, blank=True)
    built_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    seconds = models.DecimalField(_("耗时(秒)"), max_digits=10, decimal_places=2)
    counts = models.JSONField(_("各表行数"), default=dict)

    class Meta:
        verbose_name = _("演示数据生成记录")
        verbose_name_plural = _("演示数据生成记录")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.period} seed={self.seed} scale={self.scale}"
