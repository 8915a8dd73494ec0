"""Innovation points in the demo province: the pilot zones (F24) and the period's run.

The zones piloting innovation points are the programs' record; the national zones pilot
first. The program's run of the period year evaluates the pilot zones' enterprises, each zone
a cohort (zone × stage) of its own, so F24 can be read off the run: the zones its cohorts name.
"""

from __future__ import annotations

import datetime as dt

from kechuang.core.models import HighTechZone
from kechuang.demo import evaluations
from kechuang.demo.context import Context
from kechuang.programs.points.models import PointsPilotZone
from kechuang.registry.models import EnterpriseYear

PROGRAM = "innovation-points"
READS_BACK = 2  # the run reads fiscal years N-2 to N
PILOTS_FROM = 75  # days into the period when the pilot zones were named


def clear() -> None:
    PointsPilotZone.objects.all().delete()


def pilot_zones(ctx: Context) -> None:
    """F24 high-tech zones piloting innovation points: the national zones first, among the
    zones whose enterprises have figures the run reads (a zone nobody files in could not
    pilot anything, and would not show in the run)."""
    t = ctx.targets
    order = {"national": 0, "demonstration_zone": 1, "provincial": 2}
    filing = EnterpriseYear.objects.filter(
        year__gte=t.period.year - READS_BACK, enterprise__zone__isnull=False
    )
    active = set(filing.values_list("enterprise__zone_id", flat=True).distinct())
    zones = sorted(
        (
            (pk, level)
            for pk, level in HighTechZone.objects.values_list("pk", "level")
            if pk in active
        ),
        key=lambda z: (order.get(z[1], 3), z[0]),
    )
    if len(zones) < t.count("F24"):
        raise ValueError(f"F24 wants {t.count('F24')} pilot zones, {len(zones)} have enterprises")
    since = t.period.start + dt.timedelta(days=PILOTS_FROM)
    rows = [(i, pk, since) for i, (pk, _level) in enumerate(zones[: t.count("F24")], start=1)]
    ctx.insert(PointsPilotZone, ("id", "zone_id", "since"), rows)


def generate(ctx: Context) -> None:
    pilot_zones(ctx)
    evaluations.run(ctx, PROGRAM, ctx.targets.period.year, pilot_zones=True)
