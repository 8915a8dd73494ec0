"""Enterprises, their yearly figures, and the facts that programs test."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kechuang.core import validation
from kechuang.core.models import Industry, IndustryCluster, TimeStampedModel
from kechuang.core.scoping import ScopePolicy
from kechuang.registry.models.base import (
    FIGURES_SCOPES,
    OWNER_FIELDS,
    PERSONAL,
    PROFILE_SCOPES,
    Organization,
    money,
)


class Enterprise(Organization):
    """An enterprise registered in the province: one record that feeds every program."""

    class ListingStatus(models.TextChoices):
        UNLISTED = "unlisted", _("未上市")
        LISTED = "listed", _("已上市")

    class Board(models.TextChoices):
        NONE = "", _("无")
        STAR = "star", _("科创板")
        MAIN = "main", _("主板")
        CHINEXT = "chinext", _("创业板")
        BSE = "bse", _("北交所")
        NEEQ = "neeq", _("新三板")
        HK = "hk", _("港股")
        OVERSEAS = "overseas", _("境外")

    class RDLevel(models.TextChoices):
        NONE = "", _("无")
        CITY = "city", _("市级")
        PROVINCIAL = "provincial", _("省级")
        NATIONAL = "national", _("国家级")

    founded_on = models.DateField(
        _("成立日期"), null=True, blank=True, validators=[validation.founded_validator]
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "division"},
    )
    cluster = models.ForeignKey(
        IndustryCluster,
        verbose_name=_("产业集群"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    listing_status = models.CharField(
        _("上市状态"),
        max_length=10,
        choices=ListingStatus.choices,
        default=ListingStatus.UNLISTED,
    )
    listing_board = models.CharField(
        _("上市板块"), max_length=10, choices=Board.choices, blank=True
    )
    listed_on = models.DateField(_("上市日期"), null=True, blank=True)
    high_tech_cert_no = models.CharField(_("高新技术企业证书编号"), max_length=30, blank=True)
    high_tech_valid_from = models.DateField(_("高企证书有效期起"), null=True, blank=True)
    high_tech_valid_to = models.DateField(
        _("高企证书有效期至"), null=True, blank=True, validators=[validation.certificate_validator]
    )
    rd_institution_level = models.CharField(
        _("研发机构级别"), max_length=12, choices=RDLevel.choices, blank=True
    )
    is_software_enterprise = models.BooleanField(_("软件企业证书"), default=False)

    scope_policy = ScopePolicy(
        city="city",
        zone="zone",
        own={"enterprise": "pk"},
        consent="pk",
        consent_scopes=PROFILE_SCOPES,
        personal=PERSONAL,
        owner_fields=OWNER_FIELDS,
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["city", "industry"]),
            models.Index(fields=["zone"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(high_tech_valid_to__isnull=True)
                | Q(high_tech_valid_from__isnull=True)
                | Q(high_tech_valid_to__gte=F("high_tech_valid_from")),
                name="enterprise_high_tech_dates_ordered",
                violation_error_message=_("高企证书有效期至不能早于有效期起"),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.listing_status == self.ListingStatus.LISTED and not self.listing_board:
            raise ValidationError({"listing_board": _("已上市企业须填写上市板块")})
        if self.listing_status == self.ListingStatus.UNLISTED and self.listing_board:
            raise ValidationError({"listing_board": _("未上市企业不应填写上市板块")})


def nonneg(name: str) -> Q:
    return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0})


# The reverse relations of Enterprise through which programs record what they read: a result
# of year N read the figures of every year up to N; an application names the year it
# pre-filled from. Lookups, not imports: the registry sits below the programs.
USED_BY_RESULTS = "evaluation_results__year__gte"
USED_BY_APPLICATIONS = "tech_sme_applications__source_year"


def figures_used(row: EnterpriseYear) -> bool:
    """Whether a program has used this year's figures: then the owner may not change them."""
    firm = Enterprise.objects.filter(pk=row.enterprise_id)
    return (
        firm.filter(**{USED_BY_RESULTS: row.year}).exists()
        or firm.filter(**{USED_BY_APPLICATIONS: row.pk}).exists()
    )


YEAR_COUNTS = (
    "staff",
    "tech_staff",
    "ip_class1",
    "ip_class2",
    "invention_applications",
    "pct_applications",
)
YEAR_MONEY = (
    "sales_revenue",
    "total_cost",
    "rd_expense",
    "st_activity_expense",
    "total_assets",
    "equity_financing",
    "max_single_investment",
    "valuation_usd",
)
YEAR_SIGNED_MONEY = ("net_profit", "tax_paid")
YEAR_FLAGS = (
    "provincial_rd_institution",
    "national_award_top3",
    "led_standard",
    "abnormal_or_blacklisted",
    "major_incident",
    "professional_investors",
    "listed",
)


class EnterpriseYear(TimeStampedModel):
    """One enterprise's figures for one fiscal year (exchange-formats.md §1). Null = unknown."""

    COUNTS = YEAR_COUNTS
    MONEY = YEAR_MONEY
    SIGNED_MONEY = YEAR_SIGNED_MONEY
    FLAGS = YEAR_FLAGS

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validation.year_validator])
    staff = models.PositiveIntegerField(
        _("职工总数"), null=True, blank=True, validators=[validation.staff_validator]
    )
    tech_staff = models.PositiveIntegerField(
        _("科技人员数"), null=True, blank=True, validators=[validation.staff_validator]
    )
    sales_revenue = money(_("销售收入"))
    total_cost = money(_("成本费用支出总额"))
    rd_expense = money(_("研发费用"))
    st_activity_expense = money(_("科技活动经费"))
    total_assets = money(_("资产总额"))
    net_profit = money(_("净利润"))
    tax_paid = money(_("纳税额"))
    ip_class1 = models.PositiveIntegerField(_("Ⅰ类知识产权数"), null=True, blank=True)
    ip_class2 = models.PositiveIntegerField(_("Ⅱ类知识产权数"), null=True, blank=True)
    invention_applications = models.PositiveIntegerField(_("发明专利申请数"), null=True, blank=True)
    pct_applications = models.PositiveIntegerField(_("PCT专利申请数"), null=True, blank=True)
    equity_financing = money(_("股权融资额"))
    max_single_investment = money(_("单笔最大投资额"))
    valuation_usd = money(_("最新估值(美元)"))
    professional_investors = models.BooleanField(_("获专业机构投资"), null=True, blank=True)
    listed = models.BooleanField(_("是否上市"), null=True, blank=True)
    high_tech_cert_valid_to = models.DateField(
        _("高新技术企业证书有效期至"),
        null=True,
        blank=True,
        validators=[validation.certificate_validator],
    )
    provincial_rd_institution = models.BooleanField(_("省部级以上研发机构"), null=True, blank=True)
    national_award_top3 = models.BooleanField(
        _("近五年国家科技奖前三完成单位"), null=True, blank=True
    )
    led_standard = models.BooleanField(_("近五年主导制定标准"), null=True, blank=True)
    abnormal_or_blacklisted = models.BooleanField(
        _("列入经营异常名录或严重违法失信名单"), null=True, blank=True
    )
    major_incident = models.BooleanField(
        _("重大安全/质量事故、严重环境违法、科研严重失信"), null=True, blank=True
    )

    scope_policy = ScopePolicy(
        city="enterprise__city",
        zone="enterprise__zone",
        own={"enterprise": "enterprise_id"},
        consent="enterprise",
        consent_scopes=FIGURES_SCOPES,
        owner_lock=figures_used,
        owner_lock_message=_("该年度数据已被评价或申报使用,不能自行修改;请联系所在市科技局更正。"),
    )

    class Meta:
        verbose_name = _("企业年度数据")
        verbose_name_plural = _("企业年度数据")
        ordering = ["enterprise_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                name="enterprise_year_unique",
                violation_error_message=_("该企业该年度的数据已存在"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1949) & Q(year__lte=2100),
                name="enterprise_year_range",
                violation_error_message=_("年度不合理"),
            ),
            models.CheckConstraint(
                condition=Q(tech_staff__isnull=True)
                | Q(staff__isnull=True)
                | Q(tech_staff__lte=F("staff")),
                name="tech_staff_le_staff",
                violation_error_message=_("科技人员数不能大于职工总数"),
            ),
            models.CheckConstraint(
                condition=Q(rd_expense__isnull=True)
                | Q(total_cost__isnull=True)
                | Q(rd_expense__lte=F("total_cost")),
                name="rd_le_total_cost",
                violation_error_message=_("研发费用不能大于成本费用支出总额"),
            ),
            *[
                models.CheckConstraint(
                    condition=nonneg(n),
                    name=f"enterprise_year_{n}_nonneg",
                    violation_error_message=_("金额不能为负数"),
                )
                for n in YEAR_MONEY
            ],
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class EnterpriseFact(TimeStampedModel):
    """A dated fact about an enterprise that a program may test."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE)

    scope_policy = ScopePolicy(
        city="enterprise__city",
        zone="enterprise__zone",
        own={"enterprise": "enterprise_id"},
        consent="enterprise",
        consent_scopes=PROFILE_SCOPES,
        editable_by_owner=False,
    )

    class Meta:
        abstract = True


class Award(EnterpriseFact):
    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        CONTEST_NATIONAL = "contest_national", _("全国创新创业大赛")
        CONTEST_PROVINCIAL = "contest_provincial", _("省创新创业大赛")

    name = models.CharField(_("奖项名称"), max_length=200)
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    rank = models.PositiveSmallIntegerField(_("完成单位排名"), null=True, blank=True)

    class Meta:
        verbose_name = _("获奖")
        verbose_name_plural = _("获奖")
        ordering = ["-year"]
        default_related_name = "awards"

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class StandardLed(EnterpriseFact):
    class Level(models.TextChoices):
        INTERNATIONAL = "international", _("国际标准")
        NATIONAL = "national", _("国家标准")
        INDUSTRY = "industry", _("行业标准")

    code = models.CharField(_("标准号"), max_length=50)
    title = models.CharField(_("标准名称"), max_length=200)
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("发布年度"))

    class Meta:
        verbose_name = _("主导制定标准")
        verbose_name_plural = _("主导制定标准")
        ordering = ["-year"]
        default_related_name = "standards"

    def __str__(self) -> str:
        return self.code


class ListEntry(EnterpriseFact):
    class Kind(models.TextChoices):
        ABNORMAL = "abnormal", _("经营异常名录")
        BLACKLIST = "blacklist", _("严重违法失信名单")

    kind = models.CharField(_("名录"), max_length=12, choices=Kind.choices)
    listed_on = models.DateField(_("列入日期"))
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("异常/失信名录记录")
        verbose_name_plural = _("异常/失信名录记录")
        ordering = ["-listed_on"]
        default_related_name = "list_entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=F("listed_on")),
                name="list_entry_dates_ordered",
                violation_error_message=_("移出日期不能早于列入日期"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.listed_on}"


class Incident(EnterpriseFact):
    class Kind(models.TextChoices):
        SAFETY = "safety", _("重大安全事故")
        QUALITY = "quality", _("重大质量事故")
        ENVIRONMENT = "environment", _("严重环境违法")
        INTEGRITY = "integrity", _("科研严重失信")
        FRAUD = "fraud", _("严重弄虚作假")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    occurred_on = models.DateField(_("发生日期"))
    description = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("事故与失信事件")
        verbose_name_plural = _("事故与失信事件")
        ordering = ["-occurred_on"]
        default_related_name = "incidents"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"
