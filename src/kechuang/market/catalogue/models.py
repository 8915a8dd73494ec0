"""Achievements (科技成果) of universities and institutes, their transfers, enterprise demands."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.events import Event
from kechuang.core.models import TechField, TimeStampedModel
from kechuang.core.scoping import ScopePolicy
from kechuang.market.contracts.models import TechContract


class Achievement(TimeStampedModel):
    """A research result offered for transfer; the public catalogue shows published ones."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("完成单位"),
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    title = models.CharField(_("成果名称"), max_length=200, db_index=True)
    abstract = models.TextField(_("成果简介"))
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    field = models.ForeignKey(
        TechField, verbose_name=_("技术领域"), on_delete=models.PROTECT, related_name="+"
    )
    trl = models.PositiveSmallIntegerField(
        _("技术成熟度(TRL)"),
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("1–9级"),
    )
    ip_type = models.CharField(
        _("知识产权类型"),
        max_length=14,
        choices=TechContract.IPType.choices,
        default=TechContract.IPType.NONE,
    )
    ip_numbers = models.CharField(_("知识产权编号"), max_length=300, blank=True)
    # Reform pilots of the ownership of job-related results (职务科技成果赋权改革).
    ownership_granted = models.BooleanField(_("赋予科研人员所有权或长期使用权"), default=False)
    separate_management = models.BooleanField(_("单列管理"), default=False)
    use_first_pay_later = models.BooleanField(_("先使用后付费"), default=False)
    licence_terms = models.TextField(
        _("先使用后付费许可条款"), blank=True, help_text=_("免费使用期、后付费方式与比例等")
    )
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_on = models.DateField(_("发布日期"), null=True, blank=True)

    scope_policy = ScopePolicy(
        city="institution__city",
        own={"institution": "institution_id"},
        public=Q(status="published"),
        personal={"contact": "name"},
    )

    class Meta:
        verbose_name = _("科技成果")
        verbose_name_plural = _("科技成果")
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["status", "field"], name="achievement_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(trl__gte=1, trl__lte=9),
                name="achievement_trl_1_9",
                violation_error_message=_("技术成熟度须为1–9级"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.use_first_pay_later and not self.licence_terms.strip():
            raise ValidationError({"licence_terms": _("先使用后付费须写明许可条款")})


class AchievementTransfer(TimeStampedModel):
    """One transfer of an achievement of a university or institute (科技成果转化)."""

    class Mode(models.TextChoices):
        TRANSFER = "transfer", _("转让")
        LICENCE = "licence", _("许可")
        EQUITY = "equity", _("作价投资")
        DEVELOPMENT = "development", _("合作开发")

    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("转化单位"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("成果"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    title = models.CharField(_("项目名称"), max_length=200)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("受让企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_received",
    )
    enterprise_name = models.CharField(_("受让方名称"), max_length=200)
    in_province = models.BooleanField(_("省内转化"), default=True)
    mode = models.CharField(_("转化方式"), max_length=12, choices=Mode.choices)
    amount = models.DecimalField(
        _("合同金额(元)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    transferred_on = models.DateField(_("转化日期"))
    contract = models.ForeignKey(
        TechContract,
        verbose_name=_("技术合同"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfers",
    )

    scope_policy = ScopePolicy(
        city="institution__city",
        own={"institution": "institution_id", "enterprise": "enterprise_id"},
    )

    class Meta:
        verbose_name = _("成果转化")
        verbose_name_plural = _("成果转化")
        ordering = ["-transferred_on", "-id"]
        indexes = [models.Index(fields=["transferred_on"], name="transfer_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="transfer_amount_nonneg",
                violation_error_message=_("金额不能为负"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        achievement = self.achievement if self.achievement_id else None
        if (
            achievement is not None
            and self.institution_id
            and achievement.institution_id != self.institution_id
        ):
            raise ValidationError({"achievement": _("成果不属于该转化单位")})


class TechDemand(TimeStampedModel):
    """A technical problem an enterprise wants solved (企业技术需求)."""

    class Status(models.TextChoices):
        OPEN = "open", _("征集中")
        CLOSED = "closed", _("已关闭")

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("需求企业"),
        on_delete=models.PROTECT,
        related_name="tech_demands",
    )
    title = models.CharField(_("需求名称"), max_length=200)
    problem = models.TextField(_("技术难题"))
    targets = models.TextField(_("技术指标"), blank=True)
    budget = models.DecimalField(
        _("预算(元)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    field = models.ForeignKey(
        TechField, verbose_name=_("技术领域"), on_delete=models.PROTECT, related_name="+"
    )
    is_public = models.BooleanField(_("公开发布"), default=False)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)

    scope_policy = ScopePolicy(
        city="enterprise__city",
        zone="enterprise__zone",
        own={"enterprise": "enterprise_id"},
        public=Q(is_public=True, status="open"),
    )

    class Meta:
        verbose_name = _("企业技术需求")
        verbose_name_plural = _("企业技术需求")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="demand_budget_nonneg",
                violation_error_message=_("预算不能为负"),
            )
        ]

    def __str__(self) -> str:
        return self.title


class CatalogueEvent(Event):
    """A milestone of an achievement (published, withdrawn) or of a demand (closed).

    Kinds are checked in code (`CATALOGUE_EVENT_KINDS`), so a new kind needs no migration.
    """

    achievement = models.ForeignKey(
        Achievement, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    demand = models.ForeignKey(
        TechDemand, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )

    LINKS = ("achievement", "demand")

    class Meta:
        verbose_name = _("成果与需求事件")
        verbose_name_plural = _("成果与需求事件")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return str(self.kind_label)


CATALOGUE_EVENT_KINDS = {
    "achievement_published": _("发布成果"),
    "achievement_withdrawn": _("撤回成果"),
    "demand_closed": _("关闭需求"),
}
CatalogueEvent.KINDS = CATALOGUE_EVENT_KINDS
