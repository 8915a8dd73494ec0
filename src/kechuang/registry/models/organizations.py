"""Universities and institutes, service institutions, banks, and data-sharing consents."""

from __future__ import annotations

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import TimeStampedModel
from kechuang.core.scoping import ScopePolicy
from kechuang.registry.models.base import OWNER_FIELDS, PERSONAL, Organization
from kechuang.registry.models.enterprise import Enterprise

PUBLIC = Q(pk__isnull=False)  # every row; a bare Q() would vanish when OR-ed


class Institution(Organization):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("高等院校")
        INSTITUTE = "institute", _("科研院所")
        NEW_RD = "new_rd", _("新型研发机构")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    central_in_province = models.BooleanField(_("中直驻辽"), default=False)

    scope_policy = ScopePolicy(
        city="city",
        own={"institution": "pk"},
        public=PUBLIC,
        personal=PERSONAL,
        owner_fields=OWNER_FIELDS,
    )

    class Meta:
        verbose_name = _("高校院所")
        verbose_name_plural = _("高校院所")
        ordering = ["name", "id"]


class ServiceInstitution(Organization):
    class Kind(models.TextChoices):
        TECH_TRANSFER = "tech_transfer", _("技术转移机构")
        INCUBATOR = "incubator", _("科技企业孵化器")
        MAKER_SPACE = "maker_space", _("众创空间")
        SCIENCE_PARK = "science_park", _("大学科技园")
        PILOT_BASE_OPERATOR = "pilot_base_operator", _("中试基地运营机构")
        OTHER = "other", _("其他服务机构")

    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    level = models.CharField(
        _("级别"),
        max_length=12,
        blank=True,
        choices=[("national", _("国家级")), ("provincial", _("省级")), ("city", _("市级"))],
    )
    recognized_on = models.DateField(_("认定日期"), null=True, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)

    scope_policy = ScopePolicy(
        city="city",
        own={"service": "pk"},
        public=PUBLIC,
        personal=PERSONAL,
        owner_fields=OWNER_FIELDS,
    )

    class Meta:
        verbose_name = _("服务机构")
        verbose_name_plural = _("服务机构")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True)
                | Q(recognized_on__isnull=True)
                | Q(revoked_on__gte=F("recognized_on")),
                name="service_revoked_after_recognized",
                violation_error_message=_("撤销日期不能早于认定日期"),
            )
        ]


class Bank(Organization):
    short_name = models.CharField(_("简称"), max_length=30, blank=True)

    scope_policy = ScopePolicy(
        city="city",
        own={"bank": "pk"},
        public=PUBLIC,
        personal=PERSONAL,
        owner_fields=OWNER_FIELDS,
    )

    class Meta:
        verbose_name = _("银行")
        verbose_name_plural = _("银行")
        ordering = ["name", "id"]


class BankBranch(TimeStampedModel):
    bank = models.ForeignKey(
        Bank, verbose_name=_("银行"), on_delete=models.CASCADE, related_name="branches"
    )
    name = models.CharField(_("网点名称"), max_length=200)
    city = models.ForeignKey(
        "core.Region", verbose_name=_("所属市"), on_delete=models.PROTECT, related_name="+"
    )
    is_tech_branch = models.BooleanField(_("科技支行"), default=False)
    opened_on = models.DateField(_("设立日期"), null=True, blank=True)

    scope_policy = ScopePolicy(city="city", own={"bank": "bank_id"}, public=PUBLIC)

    class Meta:
        verbose_name = _("银行网点")
        verbose_name_plural = _("银行网点")
        ordering = ["bank_id", "name"]

    def __str__(self) -> str:
        return self.name


class DataConsent(TimeStampedModel):
    """An enterprise's consent that a bank may see its data, for a scope and a period.

    Its status is computed by the database from `revoked_at`, the one record of a
    revocation (bank access reads it), so the two can never disagree. Expiry follows the
    date and is not a stored state: a live consent past `expires_on` has expired.
    """

    class Status(models.TextChoices):
        GRANTED = "granted", _("有效")
        REVOKED = "revoked", _("已撤回")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="consents"
    )
    bank = models.ForeignKey(
        Bank, verbose_name=_("银行"), on_delete=models.CASCADE, related_name="consents"
    )
    scope = models.CharField(
        _("授权范围"),
        max_length=40,
        default="registry",
        help_text=_(
            "innovation_points:创新积分;profile:登记信息(含创新积分);"
            "registry:登记信息与年度数据(含创新积分)"
        ),
    )
    granted_on = models.DateField(_("授权日期"))
    expires_on = models.DateField(_("到期日期"))
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    status = models.GeneratedField(
        verbose_name=_("状态"),
        expression=Case(
            When(revoked_at__isnull=False, then=Value(Status.REVOKED.value)),
            default=Value(Status.GRANTED.value),
        ),
        output_field=models.CharField(max_length=8, choices=Status.choices),
        choices=Status.choices,
        db_persist=True,
    )

    scope_policy = ScopePolicy(
        city="enterprise__city",
        own={"enterprise": "enterprise_id", "bank": "bank_id"},
    )

    class Meta:
        verbose_name = _("数据授权")
        verbose_name_plural = _("数据授权")
        ordering = ["-granted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("granted_on")),
                name="consent_expires_after_granted",
                violation_error_message=_("到期日期不能早于授权日期"),
            ),
            # One live consent per enterprise, bank and scope: a grant repeated (or made
            # twice at once) does not pile up rows.
            models.UniqueConstraint(
                fields=["enterprise", "bank", "scope"],
                condition=Q(revoked_at__isnull=True),
                name="consent_one_live_per_scope",
                violation_error_message=_("已有对该银行此范围的有效授权"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.bank}"

    @property
    def expired(self) -> bool:
        return self.expires_on < timezone.localdate()

    @property
    def state_label(self) -> str:
        """有效, 已到期 or 已撤回, as of today."""
        if self.status == self.Status.REVOKED or not self.expired:
            return str(self.get_status_display())
        return str(_("已到期"))
