"""Labs, platforms, pilot bases, compute centres and large facilities; people and money."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core import validation
from kechuang.core.models import TimeStampedModel
from kechuang.core.scoping import ScopePolicy
from kechuang.registry.models.base import money
from kechuang.registry.models.enterprise import Enterprise
from kechuang.registry.models.organizations import Institution


class Platform(TimeStampedModel):
    class Kind(models.TextChoices):
        NATIONAL_KEY_LAB = "national_key_lab", _("全国重点实验室")
        NATIONAL_PLATFORM = "national_platform", _("国家级科技创新平台")
        PROVINCIAL_LAB = "provincial_lab", _("辽宁实验室")
        PROVINCIAL_KEY_LAB = "provincial_key_lab", _("省重点实验室")
        PILOT_BASE = "pilot_base", _("中试基地")
        AI_COMPUTE = "ai_compute", _("人工智能公共算力平台")
        LARGE_FACILITY = "large_facility", _("大科学装置(预研)")
        ENGINEERING_CENTER = "engineering_center", _("工程技术研究中心")
        INDUSTRY_ACADEMIA = "industry_academia", _("产学研合作平台")

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        CITY = "city", _("市级")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("筹建")
        OPERATING = "operating", _("运行")
        REVOKED = "revoked", _("撤销")

    name = models.CharField(
        _("名称"), max_length=200, db_index=True, validators=[validation.name_validator]
    )
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    city = models.ForeignKey(
        "core.Region", verbose_name=_("所属市"), on_delete=models.PROTECT, related_name="+"
    )
    host_institution = models.ForeignKey(
        Institution,
        verbose_name=_("依托单位(高校院所)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="platforms",
    )
    host_enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("依托单位(企业)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_platforms",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("共建实验室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    co_builders = models.ManyToManyField(
        Enterprise, verbose_name=_("共建企业"), blank=True, related_name="co_built_platforms"
    )
    approved_on = models.DateField(_("批复日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.OPERATING
    )
    field = models.ForeignKey(
        "core.TechField",
        verbose_name=_("技术领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("简介"), blank=True)

    scope_policy = ScopePolicy(
        city="city",
        own={"institution": "host_institution_id", "enterprise": "host_enterprise_id"},
        public=~Q(status="revoked"),
        # The host describes its platform; its host, kind, level, city and status are the
        # bureau's (an institution may not hand its platform to another).
        owner_fields=frozenset({"description", "field"}),
    )

    class Meta:
        verbose_name = _("平台")
        verbose_name_plural = _("平台")
        ordering = ["kind", "name", "id"]
        indexes = [models.Index(fields=["kind", "level", "approved_on"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if not validation.BIDI_CONTROLS.search(self.name or ""):
            self.name = " ".join((self.name or "").split())
        if self.host_institution_id and self.host_enterprise_id:
            raise ValidationError(_("依托单位只能是一个高校院所或一个企业"))


class Person(TimeStampedModel):
    class Title(models.TextChoices):
        CAS = "cas", _("中国科学院院士")
        CAE = "cae", _("中国工程院院士")
        FOREIGN_ACADEMICIAN = "foreign_academician", _("外籍院士")
        NATIONAL_TALENT = "national_talent", _("国家级人才(杰青等)")
        PROVINCIAL_TALENT = "provincial_talent", _("省级人才")
        NONE = "", _("无")

    name = models.CharField(_("姓名"), max_length=50, validators=[validation.name_validator])
    title = models.CharField(_("人才称号"), max_length=24, choices=Title.choices, blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    field = models.ForeignKey(
        "core.TechField",
        verbose_name=_("技术领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_policy = ScopePolicy(
        city="institution__city",
        own={"institution": "institution_id"},
        public=~Q(title=""),
    )

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_academician(self) -> bool:
        return self.title in (self.Title.CAS, self.Title.CAE)


class PlatformMember(models.Model):
    platform = models.ForeignKey(
        Platform, verbose_name=_("平台"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="memberships"
    )
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)
    role = models.CharField(_("职务"), max_length=50, blank=True)

    scope_policy = ScopePolicy(
        city="platform__city",
        own={"institution": "platform__host_institution_id"},
        public=~Q(platform__status="revoked"),
    )

    class Meta:
        verbose_name = _("平台成员")
        verbose_name_plural = _("平台成员")
        constraints = [
            models.UniqueConstraint(fields=["platform", "person"], name="platform_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.platform}"


class PlatformInvestment(models.Model):
    platform = models.ForeignKey(
        Platform, verbose_name=_("平台"), on_delete=models.CASCADE, related_name="investments"
    )
    invested_on = models.DateField(_("投资日期"))
    amount = money(_("投资额(元)"))
    source = models.CharField(_("资金来源"), max_length=100, blank=True)

    scope_policy = ScopePolicy(
        city="platform__city",
        own={"institution": "platform__host_institution_id"},
        public=~Q(platform__status="revoked"),
    )

    class Meta:
        verbose_name = _("平台投资")
        verbose_name_plural = _("平台投资")
        ordering = ["-invested_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="platform_investment_nonneg",
                violation_error_message=_("投资额不能为负数"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.invested_on}"
