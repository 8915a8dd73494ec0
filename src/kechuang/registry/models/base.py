"""What every registered organisation has in common."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core import uscc, validation
from kechuang.core.models import HighTechZone, Region, TimeStampedModel

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def validate_uscc(value: str) -> None:
    try:
        parsed = uscc.parse(value)
    except uscc.USCCError as exc:
        raise ValidationError(
            _("统一社会信用代码无效:%(reason)s"), code="uscc", params={"reason": str(exc)}
        ) from exc
    if parsed.value != value:
        raise ValidationError(_("统一社会信用代码须为18位大写、无空格"), code="uscc_format")


def money(verbose: str | _StrPromise) -> models.DecimalField:
    """Yuan, exact to the fen; null means unknown."""
    return models.DecimalField(verbose, max_digits=18, decimal_places=2, null=True, blank=True)


# The contact person's name and number: personal data, masked for readers outside the
# organisation and its city's administration (core/scoping.py).
PERSONAL = {"contact": "name", "phone": "phone"}

# What an organisation owns the truth of and may change itself: how to reach it. Its identity
# (USCC, name), location (city, county, zone), status and certificates are its bureau's.
OWNER_FIELDS = frozenset({"address", "contact", "phone"})

# The consent scopes of an enterprise to a bank (数据授权范围), each covering the ones before:
# innovation points; the profile (registry record and dated facts); the yearly figures.
POINTS_SCOPES = ("innovation_points", "profile", "registry")
PROFILE_SCOPES = ("profile", "registry")
FIGURES_SCOPES = ("registry",)


class Organization(TimeStampedModel):
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(
        _("名称"), max_length=200, db_index=True, validators=[validation.name_validator]
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区县"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        Region,
        verbose_name=_("所属市(统计单元)"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level__in": ["city", "reporting_unit"]},
    )
    zone = models.ForeignKey(
        HighTechZone,
        verbose_name=_("所在高新区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if not validation.BIDI_CONTROLS.search(self.name or ""):
            self.name = " ".join((self.name or "").split())
        city_code = self.city_id or ""
        region_code = self.region_id or ""
        # The Shenfu zone reports as its own unit; its firms sit in Shenyang or Fushun counties.
        if city_code.isdigit() and region_code and region_code[:4] != city_code[:4]:
            raise ValidationError(
                {"region": _("所在区县不属于所选的市")}, code="region_city_mismatch"
            )
        zone = self.zone if self.zone_id is not None else None
        if zone is not None and zone.city_id != self.city_id:
            raise ValidationError(
                {"zone": _("所选高新区不在该记录所属的市")}, code="zone_city_mismatch"
            )
