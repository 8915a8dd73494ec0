"""Loads the reference data files shipped in core/data into their tables (idempotent)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
PROVINCE = "210000"
SHENFU_CODE = "SHENFU"  # the Shenfu demonstration zone reports without a prefecture code
SHENFU_NAME = "沈抚示范区"


def rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def city_of(region_code: str) -> str:
    return region_code[:4] + "00"


def load(apps: Any = None) -> dict[str, int]:
    """Insert or update every reference row. Works from a migration (historical `apps`)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    region_model = apps.get_model("core", "Region")
    zone_model = apps.get_model("core", "HighTechZone")
    industry_model = apps.get_model("core", "Industry")
    field_model = apps.get_model("core", "TechField")
    cluster_model = apps.get_model("core", "IndustryCluster")

    for r in rows("regions-liaoning.csv"):
        region_model.objects.update_or_create(
            code=r["code"],
            defaults={
                "name": r["name"],
                "level": r["level"],
                "parent_id": r["parent_code"] or None,
            },
        )
    region_model.objects.update_or_create(
        code=SHENFU_CODE,
        defaults={"name": SHENFU_NAME, "level": "reporting_unit", "parent_id": PROVINCE},
    )
    for r in rows("hightech-zones-liaoning.csv"):
        code = r["region_code"]
        city = SHENFU_CODE if r["level"] == "demonstration_zone" else city_of(code)
        zone_model.objects.update_or_create(
            name=r["name"], defaults={"level": r["level"], "region_id": code, "city_id": city}
        )
    for r in rows("industries-gbt4754-2017.csv"):
        industry_model.objects.update_or_create(
            code=r["code"],
            defaults={
                "name": r["name"],
                "level": r["level"],
                "parent_id": r["parent_code"] or None,
            },
        )
    for r in rows("tech-fields.csv"):
        field_model.objects.update_or_create(
            code=r["code"], defaults={"name": r["name"], "name_en": r["name_en"]}
        )
    clusters = list(rows("clusters-liaoning.csv"))
    for r in clusters:  # parents first: bases carry no parent
        if not r["parent"]:
            cluster_model.objects.update_or_create(
                name=r["name"], defaults={"kind": r["kind"], "official": r["source"] == "official"}
            )
    for r in clusters:
        if r["parent"]:
            parent = cluster_model.objects.get(name=r["parent"])
            cluster_model.objects.update_or_create(
                name=r["name"],
                defaults={
                    "kind": r["kind"],
                    "parent": parent,
                    "official": r["source"] == "official",
                },
            )
    return {
        "regions": region_model.objects.count(),
        "zones": zone_model.objects.count(),
        "industries": industry_model.objects.count(),
        "tech_fields": field_model.objects.count(),
        "clusters": cluster_model.objects.count(),
    }
