"""Reads of policy simulations and of the published versions of the rules: the province's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kechuang.core import scoping
from kechuang.programs.runs.models import SpecVersion
from kechuang.programs.simulation.models import Simulation


def simulation_list(*, user: Any) -> QuerySet[Simulation]:
    """Simulations and published rules are the province's."""
    return scoping.visible(Simulation.objects.select_related("created_by", "published"), user)


def spec_versions(*, user: Any) -> QuerySet[SpecVersion]:
    return scoping.visible(SpecVersion.objects.select_related("published_by"), user)
