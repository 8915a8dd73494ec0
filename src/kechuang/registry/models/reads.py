"""What banks read of enterprises through their consents (数据查阅记录).

Every read of an enterprise's data by a bank is one row: the enterprise sees who read what and
when, the city bureau checks that banks keep within what was consented.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.scoping import ScopePolicy
from kechuang.registry.models.enterprise import Enterprise
from kechuang.registry.models.organizations import Bank


class BankRead(models.Model):
    class What(models.TextChoices):
        POINTS = "points", _("创新积分")
        PROFILE = "profile", _("登记信息")
        FIGURES = "figures", _("年度数据")

    class Channel(models.TextChoices):
        WEB = "web", _("网页")
        API = "api", _("接口")
        EXPORT = "export", _("导出")

    at = models.DateTimeField(_("时间"), auto_now_add=True)
    bank = models.ForeignKey(
        Bank, verbose_name=_("银行"), on_delete=models.CASCADE, related_name="reads"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="bank_reads"
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查阅人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    what = models.CharField(_("查阅内容"), max_length=10, choices=What.choices)
    channel = models.CharField(_("途径"), max_length=10, choices=Channel.choices)

    scope_policy = ScopePolicy(
        city="enterprise__city",
        own={"enterprise": "enterprise_id", "bank": "bank_id"},
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("银行查阅记录")
        verbose_name_plural = _("银行查阅记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-at"]),
            models.Index(fields=["bank", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.bank_id} → {self.enterprise_id} {self.what} {self.at:%Y-%m-%d %H:%M}"
