"""Credentials of machine clients, and the answers kept for retried POSTs.

An API key acts for the account it was issued to (its role and scope), so a bank's system
sees what the bank's users see; the key itself is only stored as a SHA-256 digest. A random
32-byte secret needs no slow hash: the slow one is for passwords people choose, and running
it on every request would let a few clients stall the site.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    class Access(models.TextChoices):
        READ = "read", _("只读")
        WRITE = "write", _("读写")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所属账号"),
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    name = models.CharField(_("名称"), max_length=80)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True)
    digest = models.CharField(_("摘要"), max_length=64)
    access = models.CharField(_("权限"), max_length=5, choices=Access.choices, default=Access.READ)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotentRequest(models.Model):
    """The answer to a POST sent with an `Idempotency-Key`: a retry gets it again rather than
    doing the work twice."""

    # Who sent it (a digest of the credentials, or the session's user) and the client's key.
    caller = models.CharField(_("调用方"), max_length=64)
    key = models.CharField(_("幂等键"), max_length=120)
    path = models.CharField(_("地址"), max_length=300)
    body_digest = models.CharField(_("请求摘要"), max_length=64)
    status = models.PositiveSmallIntegerField(_("状态码"))
    content_type = models.CharField(_("内容类型"), max_length=100, blank=True)
    content = models.BinaryField(_("响应内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("幂等请求")
        verbose_name_plural = _("幂等请求")
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="idempotent_request_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
