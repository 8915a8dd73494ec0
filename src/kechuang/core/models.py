"""Reference data, users and the audit trail shared by every program."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.roles import Role


def user_fk(verbose_name: Any, **kwargs: Any) -> models.ForeignKey:
    """A reference to the user who did something: kept when the user is deleted, with no
    reverse accessor (a user is referred to from many tables)."""
    options: dict[str, Any] = {
        "null": True,
        "blank": True,
        "on_delete": models.SET_NULL,
        "related_name": "+",
    }
    options.update(kwargs)
    return models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=verbose_name, **options)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Region(models.Model):
    """A GB/T 2260 division of the province, or a reporting unit such as the Shenfu zone."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县区")
        REPORTING_UNIT = "reporting_unit", _("统计单元")

    code = models.CharField(_("行政区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_reporting_unit(self) -> bool:
        """Cities and the Shenfu zone: the units a city bureau runs and statistics group by."""
        return self.level in (self.Level.CITY, self.Level.REPORTING_UNIT)


class HighTechZone(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        DEMONSTRATION = "demonstration_zone", _("示范区")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    city = models.ForeignKey(
        Region, verbose_name=_("所属市"), on_delete=models.PROTECT, related_name="zones"
    )

    class Meta:
        verbose_name = _("高新区")
        verbose_name_plural = _("高新区")
        ordering = ["level", "id"]

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    """GB/T 4754-2017: sections (A–T) and divisions (01–97)."""

    code = models.CharField(_("行业代码"), max_length=4, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10)
    parent = models.ForeignKey(
        "self", verbose_name=_("门类"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TechField(models.Model):
    code = models.CharField(_("代码"), max_length=2, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80)

    class Meta:
        verbose_name = _("技术领域")
        verbose_name_plural = _("技术领域")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class IndustryCluster(models.Model):
    """Trillion-level bases and the industrial clusters under them."""

    class Kind(models.TextChoices):
        BASE = "base", _("万亿级产业基地")
        BASE_ADDED_2024 = "base_added_2024", _("产业基地(2024新增)")
        CLUSTER = "cluster", _("重点产业集群")
        NATIONAL_CLUSTER = "national_advanced_manufacturing_cluster", _("国家先进制造业集群")

    kind = models.CharField(_("类型"), max_length=40, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("所属基地"), null=True, blank=True, on_delete=models.PROTECT
    )
    official = models.BooleanField(
        _("官方名称"), default=True, help_text=_("否:官方名单未检索到,名称为本系统自拟")
    )

    class Meta:
        verbose_name = _("产业基地与集群")
        verbose_name_plural = _("产业基地与集群")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A login. Its role and the unit or organisation it acts for decide its scope."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    city = models.ForeignKey(
        Region, verbose_name=_("所属市"), null=True, blank=True, on_delete=models.PROTECT
    )
    zone = models.ForeignKey(
        HighTechZone,
        verbose_name=_("所属高新区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    # The organisation of an enterprise/institution/service/bank user. Kept as a
    # (kind, id) pair so that core does not depend on the registry app.
    organization_id = models.BigIntegerField(_("所属机构ID"), null=True, blank=True)
    # Set on accounts whose password someone else chose (created or reset by an administrator,
    # generated): the user chooses its own at the next login (core/security.py).
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="city_admin") | models.Q(city__isnull=False),
                name="city_admin_has_city",
                violation_error_message=_("市科技局管理员必须指定所属市"),
            ),
            models.CheckConstraint(
                condition=~models.Q(role="zone_admin") | models.Q(zone__isnull=False),
                name="zone_admin_has_zone",
                violation_error_message=_("高新区管理员必须指定所属高新区"),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class AuditEntry(models.Model):
    """One change to one object: who, when, what, before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("对象ID"), max_length=40)
    object_repr = models.CharField(_("对象"), max_length=200)
    changes = models.JSONField(_("变更内容"), default=dict)
    source = models.CharField(_("来源"), max_length=20, default="web")
    batch = models.CharField(_("批次"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"


class SecurityEvent(models.Model):
    """The security side of the audit trail: logins, failures, lock-outs, credentials and
    downloads of exported data — who (or which user name was tried), from where, when.
    Kept apart from `AuditEntry`, whose rows are changes to records."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("锁定")
        UNLOCK = "unlock", _("解除锁定")
        PASSWORD = "password", _("修改密码")
        OTP_ENROLLED = "otp_enrolled", _("启用双因素认证")
        OTP_VERIFIED = "otp_verified", _("双因素验证通过")
        OTP_FAILED = "otp_failed", _("双因素验证失败")
        DOWNLOAD = "download", _("下载导出文件")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The account concerned (whose password, whose lock-out) and the name that was typed,
    # which need not belong to any account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("涉及账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    address = models.CharField(_("地址"), max_length=45, blank=True)
    source = models.CharField(_("来源"), max_length=20, default="web")
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("安全日志")
        verbose_name_plural = _("安全日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username}"


class Holiday(models.Model):
    """A day off or a make-up workday (调休) of the official calendar, by State Council notice.

    Only exceptions to the Monday–Friday week are stored; next year's notice is added as rows.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        WORKDAY = "workday", _("调休上班日")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=20)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name} {self.get_kind_display()}"


# Connects the signals that keep the working-day cache in step with the Holiday table.
from kechuang.core import calendar as _calendar  # noqa: E402, F401
from kechuang.core.models_jobs import Job  # noqa: E402, F401
from kechuang.core.models_keys import ApiKey, IdempotentRequest  # noqa: E402, F401
