"""Policy simulations: the active rules of a program against an edited copy, over the
registry, before the edit is published as a new version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.scoping import ScopePolicy
from kechuang.programs.runs.models import SpecVersion


class Simulation(models.Model):
    """A policy simulation: the active rules against an edited copy, over the registry."""

    program = models.CharField(_("项目"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年度"))
    base_version = models.CharField(_("现行版本"), max_length=60)
    base_text = models.TextField(_("现行规则文本"))
    text = models.TextField(_("修订后的规则文本"))
    passes_a = models.PositiveIntegerField(_("现行规则通过数"), default=0)
    passes_b = models.PositiveIntegerField(_("修订后通过数"), default=0)
    evaluated = models.PositiveIntegerField(_("参评企业数"), default=0)
    by_city = models.JSONField(_("按市统计"), default=list)
    by_industry = models.JSONField(_("按行业门类统计"), default=list)
    flips = models.JSONField(_("结论改变的企业"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    published = models.ForeignKey(
        SpecVersion,
        verbose_name=_("发布为"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_policy = ScopePolicy(editable_by_owner=False)

    class Meta:
        verbose_name = _("政策模拟")
        verbose_name_plural = _("政策模拟")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.base_version} #{self.pk}"
