"""Public notices (公示) of the programs and the objections raised against their entries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Region, TimeStampedModel, user_fk
from kechuang.core.scoping import ScopePolicy
from kechuang.programs.common import Program

if TYPE_CHECKING:
    from kechuang.programs.gradient.models import GradientApplication
    from kechuang.programs.techsme.models import TechSMEApplication


class NoticeBatch(TimeStampedModel):
    """A batch of public notice (公示), published by the province; public once published.

    The notice runs `NOTICE_WORKDAYS` working days after the day of publication: the day a
    period starts from is not counted, as in the rules for legal periods.
    """

    program = models.CharField(_("项目"), max_length=12, choices=Program.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("公示名称"), max_length=200)
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示截止日期"))
    published_by = user_fk(_("发布人"))
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)

    scope_policy = ScopePolicy(public=Q())

    class Meta:
        verbose_name = _("公示批次")
        verbose_name_plural = _("公示批次")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="notice_ends_after_start",
                violation_error_message=_("公示截止日期须晚于开始日期"),
            )
        ]

    def __str__(self) -> str:
        return self.title


class NoticeEntry(models.Model):
    """One enterprise on a public notice: what the public reads, kept as published."""

    batch = models.ForeignKey(
        NoticeBatch, verbose_name=_("公示批次"), on_delete=models.CASCADE, related_name="entries"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区县"), on_delete=models.PROTECT, related_name="+"
    )
    tech_sme = models.OneToOneField(
        "programs.TechSMEApplication",
        verbose_name=_("科技型中小企业评价申请"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notice_entry",
    )
    gradient = models.OneToOneField(
        "programs.GradientApplication",
        verbose_name=_("梯度培育申请"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notice_entry",
    )

    scope_policy = ScopePolicy(public=Q())

    class Meta:
        verbose_name = _("公示名单")
        verbose_name_plural = _("公示名单")
        ordering = ["batch_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tech_sme__isnull=True, gradient__isnull=False)
                | Q(tech_sme__isnull=False, gradient__isnull=True),
                name="notice_entry_one_application",
                violation_error_message=_("公示名单的每一项对应一项申请"),
            )
        ]

    def __str__(self) -> str:
        return self.enterprise_name

    @property
    def application(self) -> TechSMEApplication | GradientApplication:
        app = self.tech_sme or self.gradient
        assert app is not None
        return app


class Objection(TimeStampedModel):
    """An objection to an entry of a public notice, raised during the notice by any user with
    a login and decided by the province. An upheld objection keeps the enterprise out."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    entry = models.ForeignKey(
        NoticeEntry, verbose_name=_("公示对象"), on_delete=models.CASCADE, related_name="objections"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("异议人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_on = models.DateField(_("提出日期"))
    reason = models.TextField(_("异议内容"))
    decision = models.CharField(
        _("处理结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decision_note = models.TextField(_("处理意见"), blank=True)
    resolved_by = user_fk(_("处理人"))
    resolved_on = models.DateField(_("处理日期"), null=True, blank=True)

    scope_policy = ScopePolicy(
        city="entry__enterprise__city", people="raised_by_id", editable_by_owner=False
    )

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["decision", "raised_on"])]

    def __str__(self) -> str:
        return f"{self.entry} {self.raised_on.isoformat()}"
