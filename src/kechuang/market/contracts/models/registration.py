"""The registration offices (技术合同登记机构) and the counters of the numbers they give out."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Region


class RegistrationOffice(models.Model):
    """A technology-contract registration office (技术合同登记机构) and its number prefix."""

    name = models.CharField(_("名称"), max_length=100)
    city = models.ForeignKey(
        Region,
        verbose_name=_("所属市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空:省级登记机构"),
    )
    province = models.CharField(_("省级代码"), max_length=2, default="21")
    prefecture = models.CharField(_("地市代码"), max_length=2)
    code = models.CharField(_("登记机构代码"), max_length=2)

    class Meta:
        verbose_name = _("技术合同登记机构")
        verbose_name_plural = _("技术合同登记机构")
        ordering = ["province", "prefecture", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "prefecture", "code"],
                name="office_code_unique",
                violation_error_message=_("登记机构代码重复"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return f"{self.province}{self.prefecture}{self.code}"


class RegistrationCounter(models.Model):
    """The last serial given out by one office in one year; locked while a number is taken."""

    office = models.ForeignKey(RegistrationOffice, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="counter_office_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last}"
