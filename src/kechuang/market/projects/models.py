"""Provincial S&T plan projects, and the milestone events of challenges and projects."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.events import Event
from kechuang.core.models import Region, TimeStampedModel
from kechuang.core.scoping import ScopePolicy
from kechuang.market.challenges.models import (
    Challenge,
    ChallengeBid,
    ChallengeCall,
    ChallengeDemand,
    ChallengeListBatch,
)


class PlanProject(TimeStampedModel):
    """A provincial S&T plan project (省级科技计划项目): applied for, approved, accepted.

    It carries a challenge once its agreement is signed (揭榜挂帅), a major special project
    of an innovation consortium (创新联合体, F21), or a major research project of a
    provincial lab (F09, with the lab as `platform`).
    """

    class Kind(models.TextChoices):
        CHALLENGE = "challenge", _("揭榜挂帅项目")
        CONSORTIUM = "consortium", _("创新联合体重大专项")
        LAB_MAJOR = "lab_major", _("省实验室重大科研项目")

    class Level(models.TextChoices):
        PROVINCIAL = "provincial", _("省级")

    class Status(models.TextChoices):
        APPLIED = "applied", _("已申报")
        APPROVED = "approved", _("已立项")
        REJECTED = "rejected", _("未立项")
        ACCEPTED = "accepted", _("通过验收")
        FAILED = "failed", _("未通过验收")

    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类别"), max_length=12, choices=Kind.choices)
    level = models.CharField(
        _("计划级别"), max_length=12, choices=Level.choices, default=Level.PROVINCIAL
    )
    challenge = models.OneToOneField(
        Challenge,
        verbose_name=_("揭榜挂帅项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_project",
    )
    platform = models.ForeignKey(
        "registry.Platform",
        verbose_name=_("依托平台"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_projects",
    )
    lead_enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("承担企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_projects",
    )
    lead_institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("承担高校院所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_projects",
    )
    lead_name = models.CharField(_("承担单位"), max_length=200)
    city = models.ForeignKey(
        Region, verbose_name=_("所属市"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    applied_on = models.DateField(_("申报日期"))
    approved_on = models.DateField(_("立项日期"), null=True, blank=True, db_index=True)
    budget = models.DecimalField(
        _("省级财政资助(元)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    concluded_on = models.DateField(_("验收日期"), null=True, blank=True)

    scope_policy = ScopePolicy(
        city="city",
        zone="lead_enterprise__zone",
        own={"enterprise": "lead_enterprise_id", "institution": "lead_institution_id"},
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("省级科技计划项目")
        verbose_name_plural = _("省级科技计划项目")
        ordering = ["-approved_on", "-id"]
        indexes = [models.Index(fields=["kind", "approved_on"], name="plan_project_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(lead_enterprise__isnull=False, lead_institution__isnull=False),
                name="plan_project_one_lead",
                violation_error_message=_("承担单位只能是一个企业或一个高校院所"),
            ),
            models.CheckConstraint(
                condition=Q(kind="challenge", challenge__isnull=False)
                | (~Q(kind="challenge") & Q(challenge__isnull=True)),
                name="plan_project_challenge_kind",
                violation_error_message=_("揭榜挂帅项目须关联榜单项目,其他项目不关联"),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["applied", "rejected"])
                | Q(approved_on__isnull=False, budget__isnull=False),
                name="plan_project_approved_fields",
                violation_error_message=_("立项的项目须有立项日期和资助金额"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.approved_on and self.applied_on and self.approved_on < self.applied_on:
            raise ValidationError({"approved_on": _("立项日期不能早于申报日期")})
        if self.concluded_on and self.approved_on and self.concluded_on < self.approved_on:
            raise ValidationError({"concluded_on": _("验收日期不能早于立项日期")})


class ChallengeEvent(Event):
    """A milestone of the challenge workflow or of a plan project: who, when and why.

    Kinds are checked in code (`CHALLENGE_EVENT_KINDS`), so a new kind needs no migration.
    An event names the most specific record it is about and the challenge it belongs to.
    """

    call = models.ForeignKey(
        ChallengeCall, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    demand = models.ForeignKey(
        ChallengeDemand, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    batch = models.ForeignKey(
        ChallengeListBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    challenge = models.ForeignKey(
        Challenge, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    bid = models.ForeignKey(
        ChallengeBid, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    project = models.ForeignKey(
        PlanProject, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )

    LINKS = ("call", "demand", "batch", "challenge", "bid", "project")
    scope_policy = ScopePolicy(
        city="challenge__issuer__city",
        own={"enterprise": "challenge__issuer_id"},
    )

    class Meta:
        verbose_name = _("揭榜挂帅事件")
        verbose_name_plural = _("揭榜挂帅事件")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return str(self.kind_label)


CHALLENGE_EVENT_KINDS = {
    "call_opened": _("发布需求征集"),
    "demand_proposed": _("提出需求"),
    "demand_declined": _("需求未采纳"),
    "demand_adopted": _("需求纳入榜单"),
    "batch_created": _("编制榜单"),
    "challenge_added": _("凝练榜单项目"),
    "batch_published": _("发布榜单"),
    "batch_closed": _("榜单结束"),
    "bid_submitted": _("揭榜"),
    "bid_withdrawn": _("撤回揭榜"),
    "review_assigned": _("分配评审专家"),
    "bid_reviewed": _("专家提交评审意见"),
    "review_closed": _("结束专家评审"),
    "bid_selected": _("选定揭榜方"),
    "agreement_recorded": _("签约备案"),
    "challenge_unawarded": _("流榜"),
    "project_applied": _("申报省级科技计划"),
    "project_approved": _("批准立项"),
    "project_rejected": _("不予立项"),
    "project_accepted": _("通过验收"),
    "project_failed": _("未通过验收"),
}
ChallengeEvent.KINDS = CHALLENGE_EVENT_KINDS
