"""Checks across rows and against the database, and the plan of what an import changes.

Existing rows are read in one query per table. Enterprise-level columns take the value of
the latest year that gives one; a column absent from the file, or empty on every row of an
enterprise, leaves the registered value as it is. A yearly column that is present but
empty means "unknown" and stores NULL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from kechuang.core import scoping
from kechuang.core.reference import SHENFU_CODE
from kechuang.registry.importing.parse import (
    SHENFU_PARENT_CITIES,
    Parsed,
    ParsedRow,
    Zone,
    city_accepts,
)
from kechuang.registry.importing.report import ErrorReport, make_error
from kechuang.registry.models import Enterprise, EnterpriseYear

# Enterprise fields an import manages (attnames), in a fixed order.
ENTERPRISE_FIELDS = (
    "name",
    "region_id",
    "city_id",
    "zone_id",
    "founded_on",
    "industry_id",
    "high_tech_valid_to",
)
SMALL = 500  # up to this many keys, read existing rows by key rather than by year
PAIRS = (("tech_staff", "staff", "tech_staff_gt_staff"), ("rd_expense", "total_cost", "rd_gt_cost"))


@dataclass
class EnterpriseChange:
    uscc: str
    id: int | None  # None: to be created
    before: dict[str, Any]  # managed fields as stored (empty for a new enterprise)
    after: dict[str, Any]  # managed fields after the import


@dataclass
class YearChange:
    uscc: str
    year: int
    id: int | None
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass
class Plan:
    year_keys: list[str]
    enterprises: list[EnterpriseChange] = field(default_factory=list)  # created or updated
    years: list[YearChange] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def _latest(rows: list[ParsedRow], key: str) -> tuple[Any, ParsedRow | None]:
    for row in rows:  # rows are sorted by year, latest first
        if key in row.ent:
            return row.ent[key], row
    return None, None


def _existing_enterprises(usccs: set[str]) -> dict[str, dict[str, Any]]:
    fields = ("id", "uscc", *ENTERPRISE_FIELDS, "high_tech_valid_from")
    qs = Enterprise.objects.all()
    if len(usccs) <= SMALL:
        qs = qs.filter(uscc__in=usccs)
    return {
        r["uscc"]: r for r in qs.values(*fields).iterator(chunk_size=5000) if r["uscc"] in usccs
    }


def _editable_ids(actor: Any) -> set[int] | None:
    """Ids of the enterprises `actor` may change; None when it may change every one."""
    if actor is None:  # the console acting for the system
        return None
    q = scoping.editable_q(Enterprise, actor)
    if q == Q():
        return None
    if q == scoping.NOTHING:
        return set()
    return set(Enterprise.objects.filter(q).values_list("id", flat=True))


def _may_create(actor: Any, city: str) -> bool:
    return actor is None or scoping.can_create(actor, Enterprise, city_id=city)


def _target_city(region: str, given: str | None, zone: Zone | None, current: str | None) -> str:
    derived = region[:4] + "00"
    if given:
        return given
    if zone is not None and zone.city_id == SHENFU_CODE:
        return SHENFU_CODE
    if current == SHENFU_CODE and derived in SHENFU_PARENT_CITIES:
        return SHENFU_CODE  # the file says nothing about the reporting unit: keep it
    return derived


def _plan_enterprise(
    uscc: str,
    rows: list[ParsedRow],
    old: dict[str, Any] | None,
    parsed: Parsed,
    report: ErrorReport,
    actor: Any,
    editable: set[int] | None,
) -> EnterpriseChange | None:
    letter = parsed.letter
    first = rows[-1]  # earliest year, for errors about the enterprise as a whole
    before = {f: old[f] for f in ENTERPRISE_FIELDS} if old else {}
    after = dict(before)
    for key, attname in (
        ("name", "name"),
        ("founded_on", "founded_on"),
        ("industry_code", "industry_id"),
        ("region_code", "region_id"),
    ):
        value, _ = _latest(rows, key)
        if value is not None:
            after[attname] = value
    if "high_tech_cert_valid_to" in parsed.year_keys:
        pos = parsed.year_keys.index("high_tech_cert_valid_to")
        for row in rows:
            if row.values[pos] is not None:
                after["high_tech_valid_to"] = row.values[pos]
                valid_from = old and old["high_tech_valid_from"]
                if valid_from and row.values[pos] < valid_from:
                    report.add(
                        make_error(
                            row.number,
                            "high_tech_cert_valid_to",
                            letter("high_tech_cert_valid_to"),
                            row.values[pos],
                            "high_tech_dates",
                            valid_from=valid_from.isoformat(),
                        )
                    )
                break
    for key, attname in (("name", "name"), ("region_code", "region_id")):
        if not after.get(attname):
            report.add(make_error(first.number, key, letter(key), None, "required_new"))
    region = after.get("region_id")
    if not region:
        return None
    zone, zone_row = _latest(rows, "zone")
    given, city_row = _latest(rows, "city")
    city = _target_city(region, given, zone, old["city_id"] if old else None)
    if not city_accepts(city, region):
        row = city_row or _latest(rows, "region_code")[1] or first
        report.add(
            make_error(
                row.number,
                "city" if city_row else "region_code",
                letter("city") or letter("region_code"),
                given or region,
                "city_mismatch",
                city=city,
                region=region,
            )
        )
    after["city_id"] = city
    if zone is not None:
        if zone.city_id != city:
            report.add(
                make_error(
                    zone_row.number if zone_row else first.number,
                    "zone",
                    letter("zone"),
                    zone.name,
                    "zone_city_mismatch",
                    zone=zone.name,
                    city=city,
                )
            )
        after["zone_id"] = zone.id
    allowed = _may_create(actor, city) and (
        old is None or editable is None or old["id"] in editable
    )
    if not allowed:
        for row in rows:
            report.add(make_error(row.number, "uscc", letter("uscc"), uscc, "out_of_scope"))
    founded = after.get("founded_on")
    if founded:
        for row in rows:
            if founded.year > row.year:
                given_here = "founded_on" in row.ent
                key = "founded_on" if given_here else "year"
                report.add(
                    make_error(
                        row.number,
                        key,
                        letter(key),
                        founded if given_here else row.year,
                        "founded_after_year",
                        founded=founded.isoformat(),
                        year=row.year,
                    )
                )
    if old is None:
        after.setdefault("zone_id", None)
        for f in ENTERPRISE_FIELDS:
            after.setdefault(f, None)
        return EnterpriseChange(uscc, None, {}, after)
    if after == before:
        return None
    return EnterpriseChange(uscc, old["id"], before, after)


def build_plan(parsed: Parsed, report: ErrorReport, *, actor: Any) -> Plan:
    plan = Plan(year_keys=parsed.year_keys)
    groups: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in parsed.rows:
        groups[row.uscc].append(row)
    letter = parsed.letter
    for rows in groups.values():
        seen: dict[int, int] = {}
        name_row: ParsedRow | None = None
        for row in rows:
            if row.year in seen:
                report.add(
                    make_error(
                        row.number,
                        "year",
                        letter("year"),
                        row.year,
                        "duplicate_row",
                        first=seen[row.year],
                    )
                )
            else:
                seen[row.year] = row.number
            name = row.ent.get("name")
            if name is None:
                continue
            if name_row is None:
                name_row = row
            elif name != name_row.ent["name"]:
                report.add(
                    make_error(
                        row.number,
                        "name",
                        letter("name"),
                        name,
                        "name_conflict",
                        first=name_row.number,
                        other=name_row.ent["name"],
                    )
                )
        rows.sort(key=lambda r: (-r.year, r.number))

    # Enterprises with a bad cell get only the checks above: the rest would repeat its error.
    groups = {u: rows for u, rows in groups.items() if all(r.clean for r in rows)}
    existing = _existing_enterprises(set(groups))
    editable = _editable_ids(actor)
    ent_counts = {"created": 0, "updated": 0, "unchanged": 0}
    for uscc, rows in groups.items():
        change = _plan_enterprise(uscc, rows, existing.get(uscc), parsed, report, actor, editable)
        if change is None:
            if uscc in existing:
                ent_counts["unchanged"] += 1
            continue
        plan.enterprises.append(change)
        ent_counts["created" if change.id is None else "updated"] += 1
    plan.counts["enterprise"] = ent_counts
    plan.counts["enterprise_year"] = _plan_years(plan, groups, existing, parsed, report)
    return plan


def _plan_years(
    plan: Plan,
    groups: dict[str, list[ParsedRow]],
    existing: dict[str, dict[str, Any]],
    parsed: Parsed,
    report: ErrorReport,
) -> dict[str, int]:
    keys = parsed.year_keys
    # A pair check needs the stored half when the file carries only the other half.
    extra = [k for a, b, _ in PAIRS for k in (a, b) if (a in keys) != (b in keys) and k not in keys]
    fields = [*keys, *extra]
    ids = {r["id"]: uscc for uscc, r in existing.items()}
    years = {row.year for rows in groups.values() for row in rows}
    stored: dict[tuple[int, int], tuple[Any, ...]] = {}
    if ids and years:
        qs = EnterpriseYear.objects.filter(year__in=years)
        if len(ids) <= SMALL:
            qs = qs.filter(enterprise_id__in=ids)
        for rec in qs.values_list("id", "enterprise_id", "year", *fields).iterator(chunk_size=5000):
            if rec[1] in ids:
                stored[(rec[1], rec[2])] = rec
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    n = len(keys)
    # (error column, code, where each half is: (from the file?, index))
    pair_checks = [
        (
            a if a in keys else b,
            code,
            (a in keys, keys.index(a) if a in keys else 3 + fields.index(a)),
            (b in keys, keys.index(b) if b in keys else 3 + fields.index(b)),
        )
        for a, b, code in PAIRS
        if (a in keys) != (b in keys)
    ]
    for uscc, rows in groups.items():
        old_ent = existing.get(uscc)
        for row in rows:
            old = stored.get((old_ent["id"], row.year)) if old_ent else None
            new = row.values
            if old is not None:
                for key, code, (a_new, ia), (b_new, ib) in pair_checks:
                    va = new[ia] if a_new else old[ia]
                    vb = new[ib] if b_new else old[ib]
                    if va is not None and vb is not None and va > vb:
                        shown = va if a_new else vb
                        report.add(
                            make_error(
                                row.number,
                                key,
                                parsed.letter(key),
                                shown,
                                code,
                                **_pair_params(code, va, vb),
                            )
                        )
            if old is None:
                plan.years.append(
                    YearChange(uscc, row.year, None, {}, dict(zip(keys, new, strict=True)))
                )
                counts["created"] += 1
            elif any(o != v for o, v in zip(old[3 : 3 + n], new, strict=True)):
                before = dict(zip(keys, old[3 : 3 + n], strict=True))
                plan.years.append(
                    YearChange(uscc, row.year, old[0], before, dict(zip(keys, new, strict=True)))
                )
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts


def _pair_params(code: str, va: Any, vb: Any) -> dict[str, Any]:
    if code == "tech_staff_gt_staff":
        return {"tech_staff": va, "staff": vb}
    return {"rd": va, "cost": vb}


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
