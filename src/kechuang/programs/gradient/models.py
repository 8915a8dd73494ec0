"""Gradient cultivation (雏鹰 / 瞪羚 / 独角兽): calls, applications, expert reviews, status."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import TimeStampedModel, user_fk
from kechuang.core.scoping import ScopePolicy
from kechuang.programs.common import GRADIENT_PROGRAMS

GRADIENT_CHOICES = [(p.value, p.label) for p in GRADIENT_PROGRAMS]


class GradientCall(TimeStampedModel):
    """The annual call of one gradient program: open for applications until the deadline,
    then the cities (and the Shenfu zone) recommend until `recommend_by`."""

    program = models.CharField(_("项目"), max_length=12, choices=GRADIENT_CHOICES)
    year = models.PositiveSmallIntegerField(_("年度"))
    opens_on = models.DateField(_("申报开始日期"))
    deadline = models.DateField(_("申报截止日期"))
    recommend_by = models.DateField(_("推荐截止日期"))
    reviewers = models.PositiveSmallIntegerField(
        _("每项申报的评审专家数"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
    )

    scope_policy = ScopePolicy(public=Q())

    class Meta:
        verbose_name = _("梯度培育申报通知")
        verbose_name_plural = _("梯度培育申报通知")
        ordering = ["-year", "program"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "year"],
                name="gradient_call_unique",
                violation_error_message=_("该项目本年度的申报通知已存在"),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("opens_on")) & Q(recommend_by__gte=F("deadline")),
                name="gradient_call_dates_ordered",
                violation_error_message=_("日期须依次为申报开始、申报截止、推荐截止"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_program_display()}"


class GradientApplication(TimeStampedModel):
    """An enterprise's application to one gradient program in one year."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("待市推荐")
        RECOMMENDED = "recommended", _("已推荐,待分配专家")
        NOT_RECOMMENDED = "not_recommended", _("未获推荐")
        EXPERT_REVIEW = "expert_review", _("专家评审中")
        EXPERT_PASSED = "expert_passed", _("评审通过,待公示")
        EXPERT_FAILED = "expert_failed", _("评审未通过")
        IN_NOTICE = "in_notice", _("公示中")
        REJECTED = "rejected", _("公示异议成立")
        FILED = "filed", _("已备案认定")

    # The name of the link to it on an event row and a notice entry (see TechSMEApplication).
    LINK = "gradient"

    call = models.ForeignKey(
        GradientCall,
        verbose_name=_("申报通知"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    program = models.CharField(_("项目"), max_length=12, choices=GRADIENT_CHOICES)
    year = models.PositiveSmallIntegerField(_("年度"))
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="gradient_applications",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.APPLIED
    )
    statement = models.TextField(_("申报说明"), blank=True)
    applied_on = models.DateField(_("申报日期"))
    recommended_on = models.DateField(_("推荐日期"), null=True, blank=True)
    # What the rules engine made of the registry's figures when the application came in.
    spec_version = models.CharField(_("评价规则版本"), max_length=40, blank=True)
    verdict = models.CharField(_("规则评价结论"), max_length=4, blank=True)
    explanation = models.JSONField(_("规则评价说明"), default=dict, blank=True)

    scope_policy = ScopePolicy(
        city="enterprise__city",
        zone="enterprise__zone",
        own={"enterprise": "enterprise_id"},
        people="reviews__expert_id",
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("梯度培育申报")
        verbose_name_plural = _("梯度培育申报")
        ordering = ["-year", "program", "-id"]
        indexes = [models.Index(fields=["status", "program", "year"], name="gradient_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "program", "year"],
                name="gradient_one_application",
                violation_error_message=_("该企业本年度已申报该项目"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} {self.get_program_display()}"


class ExpertReview(TimeStampedModel):
    """An expert assigned to an application, and the expert's score and recommendation."""

    application = models.ForeignKey(
        GradientApplication,
        verbose_name=_("申报"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审专家"),
        on_delete=models.PROTECT,
        related_name="gradient_reviews",
    )
    assigned_by = user_fk(_("分配人"))
    score = models.DecimalField(
        _("评分"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    recommend = models.BooleanField(_("推荐认定"), null=True, blank=True)
    comment = models.TextField(_("评审意见"), blank=True)
    reviewed_on = models.DateField(_("评审日期"), null=True, blank=True)

    # The province and the expert itself; reviewers stay anonymous to everyone else.
    scope_policy = ScopePolicy(people="expert_id", editable_by_owner=False)

    class Meta:
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")
        ordering = ["application_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"],
                name="review_one_per_expert",
                violation_error_message=_("该专家已分配评审此项申报"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.expert}"


class GradientCertification(TimeStampedModel):
    """The status an enterprise holds after filing: valid `GRADIENT_VALID_YEARS` years."""

    application = models.OneToOneField(
        GradientApplication,
        verbose_name=_("申报"),
        on_delete=models.PROTECT,
        related_name="certification",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="gradient_certifications",
    )
    program = models.CharField(_("项目"), max_length=12, choices=GRADIENT_CHOICES)
    year = models.PositiveSmallIntegerField(_("年度"))
    filed_on = models.DateField(_("备案日期"))
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))
    filed_by = user_fk(_("操作人"))

    scope_policy = ScopePolicy(public=Q())

    class Meta:
        verbose_name = _("梯度培育企业")
        verbose_name_plural = _("梯度培育企业")
        ordering = ["-year", "program", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gt=F("valid_from")),
                name="gradient_validity_ordered",
                violation_error_message=_("有效期至须晚于有效期起"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_program_display()} {self.year}"
