"""Challenge lists (揭榜挂帅, 辽科发〔2021〕42号): calls, demands, lists, bids, agreements.

A call collects demands from leading enterprises; the province refines them into the
challenges of a list and publishes it; solvers bid; the issuer selects a bid and signs an
agreement, which the province records; the project then goes on as a provincial plan
project (`PlanProject`). Each step is a service that writes a `ChallengeEvent`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import TechField, TimeStampedModel, user_fk
from kechuang.core.scoping import ScopePolicy
from kechuang.registry.models.base import validate_uscc

EVERY_ROW = Q(pk__isnull=False)  # a bare Q() would vanish when OR-ed
PUBLISHED_BATCH = ("published", "closed")


def yuan(verbose: object, **kw: object) -> models.DecimalField:
    return models.DecimalField(
        verbose,  # type: ignore[arg-type]
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
        **kw,  # type: ignore[arg-type]
    )


class Affiliation(TimeStampedModel):
    """A tie between two organisations that bars one from taking the other's challenge.

    Organisations are named by USCC, so that enterprises, institutions and outside parties
    are covered alike. For a parent and its subsidiary, `first` is the parent; the rule
    reads every tie both ways. Province admins maintain these records.
    """

    class Kind(models.TextChoices):
        PARENT = "parent", _("母子公司")
        SHARED_CONTROLLER = "shared_controller", _("同一控制人")
        OTHER = "other", _("其他关联关系")

    kind = models.CharField(_("关联类型"), max_length=20, choices=Kind.choices)
    first_uscc = models.CharField(
        _("甲方统一社会信用代码"), max_length=18, validators=[validate_uscc], db_index=True
    )
    first_name = models.CharField(_("甲方名称"), max_length=200)
    second_uscc = models.CharField(
        _("乙方统一社会信用代码"), max_length=18, validators=[validate_uscc], db_index=True
    )
    second_name = models.CharField(_("乙方名称"), max_length=200)
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("如共同控制人"))

    scope_policy = ScopePolicy()  # the province's working data

    class Meta:
        verbose_name = _("关联关系")
        verbose_name_plural = _("关联关系")
        ordering = ["first_name", "second_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(first_uscc=F("second_uscc")),
                name="affiliation_two_parties",
                violation_error_message=_("关联关系须在两个不同的机构之间"),
            ),
            models.UniqueConstraint(
                fields=["kind", "first_uscc", "second_uscc"],
                name="affiliation_once",
                violation_error_message=_("该关联关系已登记"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} — {self.second_name}({self.get_kind_display()})"


class ChallengeCall(TimeStampedModel):
    """A call for demands (需求征集): leading enterprises propose between the two dates."""

    title = models.CharField(_("征集名称"), max_length=200)
    theme = models.CharField(
        _("征集方向"), max_length=300, help_text=_("如新材料、精细化工、智能装备、集成电路装备")
    )
    description = models.TextField(_("征集说明"), blank=True)
    opens_on = models.DateField(_("征集开始"))
    closes_on = models.DateField(_("征集截止"))

    scope_policy = ScopePolicy(public=EVERY_ROW)

    class Meta:
        verbose_name = _("揭榜挂帅需求征集")
        verbose_name_plural = _("揭榜挂帅需求征集")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="challenge_call_dates_ordered",
                violation_error_message=_("征集截止日期不能早于开始日期"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, on: dt.date) -> bool:
        return self.opens_on <= on <= self.closes_on


class ChallengeDemand(TimeStampedModel):
    """A technical need an enterprise proposes in answer to a call."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        ADOPTED = "adopted", _("已纳入榜单")
        DECLINED = "declined", _("未采纳")

    call = models.ForeignKey(
        ChallengeCall, verbose_name=_("需求征集"), on_delete=models.PROTECT, related_name="demands"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("提出企业"),
        on_delete=models.PROTECT,
        related_name="challenge_demands",
    )
    title = models.CharField(_("需求名称"), max_length=200)
    need = models.TextField(_("技术需求"))
    targets = models.TextField(_("主要技术指标"), blank=True)
    budget = yuan(_("拟投入资金(元)"), null=True, blank=True)
    field = models.ForeignKey(
        TechField, verbose_name=_("技术领域"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )

    scope_policy = ScopePolicy(
        city="enterprise__city",
        zone="enterprise__zone",
        own={"enterprise": "enterprise_id"},
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("揭榜挂帅需求")
        verbose_name_plural = _("揭榜挂帅需求")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ChallengeListBatch(TimeStampedModel):
    """One published list (榜单) of challenges; public once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("编制中")
        PUBLISHED = "published", _("已发布")
        CLOSED = "closed", _("已结束")

    title = models.CharField(_("榜单名称"), max_length=200)
    call = models.ForeignKey(
        ChallengeCall,
        verbose_name=_("需求征集"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="draft")
    published_on = models.DateField(_("发布日期"), null=True, blank=True)

    scope_policy = ScopePolicy(public=Q(status__in=PUBLISHED_BATCH))

    class Meta:
        verbose_name = _("揭榜挂帅榜单")
        verbose_name_plural = _("揭榜挂帅榜单")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_on__isnull=False),
                name="challenge_batch_published_on",
                violation_error_message=_("已发布的榜单须有发布日期"),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Challenge(TimeStampedModel):
    """One item of a list (技术攻关类榜单): the issuer's need, targets, budget and deadline."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待发布")
        OPEN = "open", _("揭榜中")
        SELECTED = "selected", _("已选定揭榜方")
        SIGNED = "signed", _("已签约")
        UNAWARDED = "unawarded", _("流榜")

    batch = models.ForeignKey(
        ChallengeListBatch,
        verbose_name=_("榜单"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    demand = models.ForeignKey(
        ChallengeDemand,
        verbose_name=_("来源需求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    issuer = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("发榜企业"),
        on_delete=models.PROTECT,
        related_name="challenges_issued",
    )
    title = models.CharField(_("榜单项目名称"), max_length=200)
    need = models.TextField(_("技术需求"))
    targets = models.TextField(_("主要技术指标"))
    budget_cap = models.DecimalField(
        _("榜额上限(元)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    deadline = models.DateField(_("揭榜截止日期"))
    field = models.ForeignKey(
        TechField, verbose_name=_("技术领域"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="draft")
    # Set when the province ends the expert review with reviews still outstanding.
    review_closed_on = models.DateField(_("专家评审结束日期"), null=True, blank=True)

    scope_policy = ScopePolicy(
        city="issuer__city",
        zone="issuer__zone",
        own={"enterprise": "issuer_id"},
        public=Q(batch__status__in=PUBLISHED_BATCH),
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("揭榜挂帅项目")
        verbose_name_plural = _("揭榜挂帅项目")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="challenge_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_cap__gt=0),
                name="challenge_budget_positive",
                violation_error_message=_("榜额上限须为正数"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def accepts_bids(self, on: dt.date) -> bool:
        return self.status == self.Status.OPEN and on <= self.deadline


class ChallengeBid(TimeStampedModel):
    """A solver's answer to a challenge (揭榜申请).

    The solver is a registered enterprise or institution, or an outside party (another
    province or abroad) named here; a bid of the issuer itself or of an affiliate is
    refused before it is stored.
    """

    class SolverKind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        UNIVERSITY = "university", _("高等院校")
        INSTITUTE = "institute", _("科研院所")
        NEW_RD = "new_rd", _("新型研发机构")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已揭榜")
        WITHDRAWN = "withdrawn", _("已撤回")
        SELECTED = "selected", _("已选定")
        NOT_SELECTED = "not_selected", _("未选定")

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("榜单项目"), on_delete=models.PROTECT, related_name="bids"
    )
    solver_enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("揭榜企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenge_bids",
    )
    solver_institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("揭榜高校院所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenge_bids",
    )
    solver_name = models.CharField(_("揭榜方名称"), max_length=200)
    solver_kind = models.CharField(_("揭榜方类型"), max_length=12, choices=SolverKind.choices)
    solver_uscc = models.CharField(
        _("揭榜方统一社会信用代码"), max_length=18, blank=True, help_text=_("境外机构不填")
    )
    solver_country = models.CharField(_("国家/地区"), max_length=2, default="CN")
    proposal = models.TextField(_("攻关方案"))
    team = models.TextField(_("团队"), blank=True)
    price = yuan(_("揭榜报价(元)"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=14, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = user_fk(_("提交人"))

    scope_policy = ScopePolicy(
        city="challenge__issuer__city",
        zone="challenge__issuer__zone",
        own={
            "enterprise": ("challenge__issuer_id", "solver_enterprise_id"),
            "institution": "solver_institution_id",
        },
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("揭榜申请")
        verbose_name_plural = _("揭榜申请")
        ordering = ["challenge_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(solver_enterprise__isnull=False, solver_institution__isnull=False),
                name="bid_one_solver_org",
                violation_error_message=_("揭榜方只能是一个登记机构"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.solver_name} · {self.challenge.title}"

    @property
    def is_foreign(self) -> bool:
        return self.solver_country != "CN"


class ChallengeAgreement(TimeStampedModel):
    """The agreement the issuer signed with the selected solver, as the province recorded it."""

    challenge = models.OneToOneField(
        Challenge, verbose_name=_("榜单项目"), on_delete=models.PROTECT, related_name="agreement"
    )
    bid = models.OneToOneField(
        ChallengeBid, verbose_name=_("揭榜申请"), on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(_("签约日期"))
    amount = models.DecimalField(
        _("合同金额(元)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_policy = ScopePolicy(
        city="challenge__issuer__city",
        zone="challenge__issuer__zone",
        own={
            "enterprise": ("challenge__issuer_id", "bid__solver_enterprise_id"),
            "institution": "bid__solver_institution_id",
        },
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("揭榜协议")
        verbose_name_plural = _("揭榜协议")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.challenge} {self.signed_on.isoformat()}"
