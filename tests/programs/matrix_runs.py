"""Batch runs, results, simulations and consents in the role-matrix world.

Two real runs over the world's enterprises (tech-SME and innovation points, the whole
province), two runs confined to a city (rows only), a simulation and the world's consents.
Who reaches each row is stated from how it is built: a run by its city, a result by its
enterprise's city, zone and owner, innovation points by the bank its enterprise consented to.
"""

from __future__ import annotations

from typing import Any

from kechuang.core.roles import Role
from kechuang.programs import specs
from kechuang.programs.runs.models import EvaluationRun
from kechuang.programs.runs.services import run_evaluation
from kechuang.programs.simulation.models import Simulation
from kechuang.registry.models import DataConsent
from tests.role_matrix_world import DL, ENT, SY, Row, World

RUN, RES, POINTS, SIM, CONSENT = (
    "evaluation_run",
    "evaluation_result",
    "innovation_points",
    "simulation",
    "consent",
)


class Named:
    """A result row as pages show it: by its enterprise's name and code."""

    def __init__(self, result: Any) -> None:
        self.pk = result.pk
        self.uscc = result.enterprise.uscc
        self.label = result.enterprise.name

    def __str__(self) -> str:
        return self.label


def _city_run(city: str) -> EvaluationRun:
    text = specs.file_text("tech-sme", 2023) or ""
    return EvaluationRun.objects.create(
        program="tech-sme",
        year=2023,
        spec_version="tech-sme/2023.1",
        spec_text=text,
        spec_sha256=specs.digest(text),
        city_id=city,
        region_id=city,
        status=EvaluationRun.Status.DONE,
    )


def runs_rows(world: World) -> dict[str, list[Row]]:
    province = world.users[Role.PROVINCE_ADMIN]
    tech = run_evaluation(actor=province, program="tech-sme", year=2023).run
    points = run_evaluation(actor=province, program="innovation-points", year=2023).run
    consents = {r.obj.pk: r.consented_to for r in world.rows[ENT]}

    def result(r: Any, consented: bool = False) -> Row:
        e = r.enterprise
        return Row(
            Named(r) if consented else r,
            e.city_id,
            e.zone_id,
            {Role.ENTERPRISE: (e.pk,)},
            consented_to=consents.get(e.pk, ()) if consented else (),
        )

    tech_results = list(tech.results.select_related("enterprise"))
    point_results = list(points.results.select_related("enterprise"))
    assert len(tech_results) == len(world.rows[ENT]) == len(point_results)
    sim = Simulation.objects.create(
        program="tech-sme",
        year=2023,
        base_version="tech-sme/2023.1",
        base_text=tech.spec_text,
        text=tech.spec_text,
        created_by=province,
    )
    return {
        RUN: [Row(r, r.city_id) for r in (tech, points, _city_run(SY), _city_run(DL))],
        RES: [result(r) for r in tech_results],
        POINTS: [result(r, consented=True) for r in point_results],
        SIM: [Row(sim, None)],
        CONSENT: [Row(c, c.enterprise.city_id) for c in DataConsent.objects.order_by("pk")],
    }
