"""Reference data in the REST API (`/api/v1/reference/`): public and read-only."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from kechuang.core.api_support import ValidationErrors
from kechuang.core.models import HighTechZone, Industry, IndustryCluster, Region, TechField

router = Router(tags=["reference"])
RESPONSES = {422: ValidationErrors}
Parent = Query(None, pattern=r"^[0-9A-Z]{1,6}$", description="上级代码")


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_id: str | None


class ZoneOut(Schema):
    id: int
    name: str
    level: str
    region_id: str
    city_id: str


class IndustryOut(Schema):
    code: str
    name: str
    level: str
    parent_id: str | None


class TechFieldOut(Schema):
    code: str
    name: str
    name_en: str


class ClusterOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None
    official: bool


def _children(qs: QuerySet, level: str | None, parent: str | None) -> QuerySet:
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    return qs


@router.get("/regions", response={200: list[RegionOut], **RESPONSES}, summary="行政区划")
def region_list(
    request: HttpRequest,
    level: Literal["province", "city", "county", "reporting_unit"] | None = None,
    parent: str | None = Parent,
) -> Any:
    return list(_children(Region.objects.all(), level, parent))


@router.get("/zones", response={200: list[ZoneOut], **RESPONSES}, summary="高新区")
def zone_list(request: HttpRequest) -> Any:
    return list(HighTechZone.objects.all())


@router.get("/industries", response={200: list[IndustryOut], **RESPONSES}, summary="国民经济行业")
def industry_list(
    request: HttpRequest,
    level: Literal["section", "division"] | None = None,
    parent: str | None = Parent,
) -> Any:
    return list(_children(Industry.objects.all(), level, parent))


@router.get("/tech-fields", response={200: list[TechFieldOut], **RESPONSES}, summary="技术领域")
def tech_field_list(request: HttpRequest) -> Any:
    return list(TechField.objects.all())


@router.get("/clusters", response={200: list[ClusterOut], **RESPONSES}, summary="产业基地与集群")
def cluster_list(request: HttpRequest) -> Any:
    return list(IndustryCluster.objects.all())
