"""Policy simulation and publication of rules: the province's what-if over the registry.

`simulation_run` evaluates the active rules and an edited copy over the registry and keeps
who flips (with names), and the counts by city and by industry section. `spec_publish` makes
an edited copy the active version of its program and year — the next run uses it.
Both are audited.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, scoping
from kechuang.core.models import AuditEntry, Industry, Region
from kechuang.core.roles import Role
from kechuang.programs import specs
from kechuang.programs.frames import for_specs, registry_frame
from kechuang.programs.runs.models import SpecVersion
from kechuang.programs.simulation.models import Simulation
from kechuang.rules import SpecError, simulate


def require_province(actor: Any) -> None:
    scoping.require(scoping.role_of(actor) == Role.PROVINCE_ADMIN)


def parse(program: str, year: int, text: str) -> Any:
    """The spec of an edited text, checked to be `program`'s rules for `year`."""
    try:
        spec = specs.load_text(text)
    except SpecError as exc:
        raise ValidationError({"text": specs.spec_error_text(exc)}, code="spec") from exc
    if spec.program != program or spec.year != year:
        raise ValidationError(
            {"text": _("规则文本须为所选项目和年度的规则(program 与 year 不可修改)")},
            code="spec_identity",
        )
    return spec


def _plain(value: Any) -> Any:
    return None if value is None else str(value)


def _by_city(flips: pl.DataFrame) -> list[dict[str, Any]]:
    names = dict(Region.objects.values_list("code", "name"))
    counts = flips.group_by("city_code").agg(
        (pl.col("verdict_b") == "pass").sum().alias("to_pass"),
        (pl.col("verdict_b") == "fail").sum().alias("to_fail"),
    )
    rows = [
        {
            "code": r["city_code"] or "",
            "name": names.get(r["city_code"] or "", r["city_code"] or "—"),
            "to_pass": int(r["to_pass"]),
            "to_fail": int(r["to_fail"]),
        }
        for r in counts.iter_rows(named=True)
    ]
    return sorted(rows, key=lambda r: r["code"])


def _by_section(flips: pl.DataFrame) -> list[dict[str, Any]]:
    parents = dict(Industry.objects.filter(level="division").values_list("code", "parent_id"))
    sections = dict(Industry.objects.filter(level="section").values_list("code", "name"))
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for division, verdict in flips.select("industry_division", "verdict_b").iter_rows():
        section = parents.get(division or "", "") or ""
        totals[section][0 if verdict == "pass" else 1] += 1
    return [
        {"code": code, "name": sections.get(code, "—"), "to_pass": p, "to_fail": f}
        for code, (p, f) in sorted(totals.items())
    ]


@transaction.atomic
def simulation_run(*, actor: Any, program: str, year: int, text: str) -> Simulation:
    """Compare the active rules of `program`/`year` with `text` over the whole registry."""
    require_province(actor)
    try:
        base = specs.active_spec(program, year)
    except SpecError as exc:
        raise ValidationError({"spec": specs.spec_error_text(exc)}, code="spec") from exc
    edited = parse(program, year, text)
    selection = for_specs(base.spec, edited)
    wanted = (selection.fields or frozenset()) | {"name"}
    frame = registry_frame(dataclasses.replace(selection, fields=wanted))
    outcome = simulate(base.spec, edited, frame)
    firms = frame.filter(
        pl.col("enterprise_id") != pl.col("enterprise_id").shift(1).fill_null(-1)
    ).select("uscc", "enterprise_id", "name")
    flips = outcome.flips.join(firms, on="uscc", how="left", maintain_order="left")
    sim = Simulation.objects.create(
        program=program,
        year=year,
        base_version=base.spec.version,
        base_text=base.text,
        text=text,
        passes_a=outcome.passes_a,
        passes_b=outcome.passes_b,
        evaluated=firms.height,
        by_city=_by_city(flips),
        by_industry=_by_section(flips),
        flips=[
            {
                "uscc": r["uscc"],
                "enterprise_id": r["enterprise_id"],
                "name": r["name"],
                "city": r["city_code"],
                "division": r["industry_division"],
                "verdict_a": r["verdict_a"],
                "verdict_b": r["verdict_b"],
                "score_a": _plain(r["score_a"]),
                "score_b": _plain(r["score_b"]),
            }
            for r in flips.iter_rows(named=True)
        ],
        created_by=actor,
    )
    snap = {k: v for k, v in audit.snapshot(sim).items() if k not in ("flips", "base_text")}
    audit.record(actor, AuditEntry.Action.CREATE, sim, None, snap)
    return sim


def _version_snapshot(record: SpecVersion) -> dict[str, Any]:
    return {k: v for k, v in audit.snapshot(record).items() if k != "text"}


@transaction.atomic
def spec_publish(*, actor: Any, simulation: Simulation, note: str = "") -> SpecVersion:
    """Publish a simulation's rules as the new active version of its program and year."""
    require_province(actor)
    if simulation.published_id is not None:
        raise ValidationError(_("该模拟的规则已发布"), code="published")
    program, year = simulation.program, simulation.year
    version = specs.next_version(program, year)
    text = specs.with_version(simulation.text, version)
    spec = parse(program, year, text)
    for old in SpecVersion.objects.select_for_update().filter(
        program=program, year=year, is_active=True
    ):
        before = _version_snapshot(old)
        old.is_active = False
        old.save(update_fields=["is_active"])
        audit.record(actor, AuditEntry.Action.UPDATE, old, before, _version_snapshot(old))
    record = SpecVersion.objects.create(
        program=program,
        year=year,
        version=spec.version,
        text=text,
        sha256=specs.digest(text),
        based_on=simulation.base_version,
        note=note,
        is_active=True,
        published_by=actor,
    )
    audit.record(actor, AuditEntry.Action.CREATE, record, None, _version_snapshot(record))
    simulation.published = record
    simulation.save(update_fields=["published"])
    return record
