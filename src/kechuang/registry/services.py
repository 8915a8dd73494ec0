"""Writes to the registry. Each is one transaction, checks the actor, and is audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction

from kechuang.core import scoping
from kechuang.core.services import object_create, object_delete, object_update
from kechuang.registry.models import (
    Bank,
    Enterprise,
    EnterpriseYear,
    Institution,
    Platform,
    ServiceInstitution,
)

ORGANIZATION_MODELS: tuple[type[models.Model], ...] = (
    Enterprise,
    Institution,
    ServiceInstitution,
    Bank,
)


def organization_create(
    *, actor: Any, model: type[models.Model], data: Mapping[str, Any], source: str = "web"
) -> Any:
    """Register an organisation. The province registers anywhere, a city bureau in its city."""
    city = data.get("city_id") or getattr(data.get("city"), "pk", None)
    scoping.require(scoping.can_create(actor, model, city_id=city))
    return object_create(actor=actor, model=model, data=data, source=source)


def enterprise_create(*, actor: Any, data: Mapping[str, Any], source: str = "web") -> Enterprise:
    obj: Enterprise = organization_create(actor=actor, model=Enterprise, data=data, source=source)
    return obj


def organization_update(
    *, actor: Any, obj: models.Model, data: Mapping[str, Any], source: str = "web"
) -> Any:
    new_city = data.get("city_id") or getattr(data.get("city"), "pk", None)
    if new_city and scoping.role_of(actor) == scoping.Role.CITY_ADMIN:
        # A city bureau may not move a record out of its city.
        scoping.require(new_city == actor.city_id)
    return object_update(actor=actor, obj=obj, data=data, source=source)


def enterprise_update(
    *, actor: Any, enterprise: Enterprise, data: Mapping[str, Any], source: str = "web"
) -> Enterprise:
    obj: Enterprise = organization_update(actor=actor, obj=enterprise, data=data, source=source)
    return obj


def organization_delete(*, actor: Any, obj: models.Model, source: str = "web") -> None:
    # Only the province deletes registry records; others correct them.
    scoping.require(scoping.role_of(actor) == scoping.Role.PROVINCE_ADMIN)
    object_delete(actor=actor, obj=obj, source=source)


@transaction.atomic
def enterprise_year_save(
    *,
    actor: Any,
    enterprise: Enterprise,
    year: int,
    data: Mapping[str, Any],
    source: str = "web",
) -> EnterpriseYear:
    """Create or update one enterprise's figures for one year."""
    scoping.require_edit(actor, enterprise)
    existing = EnterpriseYear.objects.filter(enterprise=enterprise, year=year).first()
    if existing is None:
        return object_create(
            actor=actor,
            model=EnterpriseYear,
            data={**data, "enterprise": enterprise, "year": year},
            source=source,
        )
    return object_update(actor=actor, obj=existing, data=data, source=source, check=False)


def platform_create(*, actor: Any, data: Mapping[str, Any], source: str = "web") -> Platform:
    city = data.get("city_id") or getattr(data.get("city"), "pk", None)
    scoping.require(scoping.can_create(actor, Platform, city_id=city))
    return object_create(actor=actor, model=Platform, data=data, source=source)


def platform_update(
    *, actor: Any, platform: Platform, data: Mapping[str, Any], source: str = "web"
) -> Platform:
    return object_update(actor=actor, obj=platform, data=data, source=source)
