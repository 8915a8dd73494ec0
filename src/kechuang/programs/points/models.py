"""High-tech zones piloting the innovation-points evaluation (创新积分制试点), F24."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PointsPilotZone(models.Model):
    """A high-tech zone piloting innovation points since a date: a run of the program over
    the pilot zones evaluates these zones' enterprises, each zone a cohort of its own."""

    zone = models.OneToOneField(
        "core.HighTechZone",
        verbose_name=_("高新区"),
        on_delete=models.CASCADE,
        related_name="points_pilot",
    )
    since = models.DateField(_("试点开始日期"))

    class Meta:
        verbose_name = _("创新积分试点高新区")
        verbose_name_plural = _("创新积分试点高新区")
        ordering = ["since", "zone_id"]

    def __str__(self) -> str:
        return str(self.zone)
