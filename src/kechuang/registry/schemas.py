"""The shapes of registry records in the REST API. Foreign keys appear as `<name>_id`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from ninja import Schema
from pydantic import Field, create_model, field_validator

from kechuang.core import personal
from kechuang.core.api_support import Money, MoneyIn, choices_of, page_schema
from kechuang.registry.models import Enterprise, EnterpriseYear, Platform


def label(model: type[models.Model], name: str) -> str:
    # Built once at import; fixed to the default language so the published spec is stable.
    with translation.override(settings.LANGUAGE_CODE):
        return str(getattr(model._meta.get_field(name), "verbose_name", name))


class InputSchema(Schema):
    @field_validator("*", mode="before")
    @classmethod
    def no_nul(cls, value: Any) -> Any:
        # PostgreSQL refuses NUL in text; refuse it here as bad input, not a server error.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL character")
        return value


def optional(schema: type[Schema]) -> type[Schema]:
    """The same fields, none required: the body of a PATCH.

    Only the fields sent are applied; a null is accepted only where the field is nullable.
    """
    fields: dict[str, Any] = {
        key: (f.annotation, Field(None, description=f.description))
        for key, f in schema.model_fields.items()
    }
    patch: type[Schema] = create_model(f"{schema.__name__}Optional", __base__=InputSchema, **fields)
    return patch


# --- enterprises ----------------------------------------------------------------------------


class OrganizationOut(Schema):
    id: int
    uscc: str
    name: str
    region_id: str
    city_id: str
    city_name: str
    zone_id: int | None

    @staticmethod
    def resolve_city_name(obj: Any) -> str:
        return str(obj.city.name)


class EnterpriseOut(OrganizationOut):
    industry_id: str | None
    founded_on: date | None
    listing_status: str
    listing_board: str
    high_tech_cert_no: str
    high_tech_valid_from: date | None
    high_tech_valid_to: date | None
    rd_institution_level: str
    is_software_enterprise: bool
    updated_at: datetime


def _year_fields(required: bool) -> dict[str, Any]:
    m = EnterpriseYear
    fields: dict[str, Any] = {}
    for name in m.COUNTS:
        fields[name] = (int | None, Field(None, ge=0, description=label(m, name)))
    for name in (*m.MONEY, *m.SIGNED_MONEY):
        fields[name] = (
            (MoneyIn if required else Money) | None,
            Field(None, description=label(m, name)),
        )
    for name in m.FLAGS:
        fields[name] = (bool | None, Field(None, description=label(m, name)))
    fields["high_tech_cert_valid_to"] = (
        date | None,
        Field(None, description=label(m, "high_tech_cert_valid_to")),
    )
    return fields


# The yearly figures are listed once, on the model; the schemas are built from that list.
class EnterpriseYearOut(create_model("YearFigures", __base__=Schema, **_year_fields(False))):  # type: ignore[misc]
    year: int
    updated_at: datetime


class EnterpriseYearIn(create_model("YearFiguresIn", __base__=InputSchema, **_year_fields(True))):  # type: ignore[misc]
    """PUT replaces the year's figures: a field left out becomes unknown (null)."""


class EnterpriseDetail(EnterpriseOut):
    address: str
    contact: str  # masked (张*) unless the reader administers the record
    phone: str  # masked (138****1234) likewise: core/personal.py
    cluster_id: int | None
    listed_on: date | None
    years: list[EnterpriseYearOut]
    warnings: list[str] = Field(
        default_factory=list, description="保存后的提示(不影响保存),如统一社会信用代码地区不符"
    )

    @staticmethod
    def resolve_warnings(obj: Any) -> list[str]:
        return list(getattr(obj, "warnings", []))

    @staticmethod
    def resolve_contact(obj: Any, context: Any) -> str:
        return personal.value(context["request"].user, obj, "contact") or ""

    @staticmethod
    def resolve_phone(obj: Any, context: Any) -> str:
        return personal.value(context["request"].user, obj, "phone") or ""

    @staticmethod
    def resolve_years(obj: Any) -> list[Any]:
        return list(getattr(obj, "visible_years", []))


class EnterpriseIn(InputSchema):
    uscc: str = Field(description=label(Enterprise, "uscc"))
    name: str = Field(description=label(Enterprise, "name"))
    region_id: str = Field(description=label(Enterprise, "region"))
    city_id: str = Field(description=label(Enterprise, "city"))
    zone_id: int | None = Field(None, description=label(Enterprise, "zone"))
    address: str = Field("", description=label(Enterprise, "address"))
    contact: str = Field("", description=label(Enterprise, "contact"))
    phone: str = Field("", description=label(Enterprise, "phone"))
    founded_on: date | None = Field(None, description=label(Enterprise, "founded_on"))
    industry_id: str | None = Field(None, description=label(Enterprise, "industry"))
    cluster_id: int | None = Field(None, description=label(Enterprise, "cluster"))
    listing_status: choices_of(Enterprise.ListingStatus.choices) = Field(  # type: ignore[valid-type]
        "unlisted", description=label(Enterprise, "listing_status")
    )
    listing_board: choices_of(Enterprise.Board.choices) = Field(  # type: ignore[valid-type]
        "", description=label(Enterprise, "listing_board")
    )
    listed_on: date | None = Field(None, description=label(Enterprise, "listed_on"))
    high_tech_cert_no: str = Field("", description=label(Enterprise, "high_tech_cert_no"))
    high_tech_valid_from: date | None = Field(
        None, description=label(Enterprise, "high_tech_valid_from")
    )
    high_tech_valid_to: date | None = Field(
        None, description=label(Enterprise, "high_tech_valid_to")
    )
    rd_institution_level: choices_of(Enterprise.RDLevel.choices) = Field(  # type: ignore[valid-type]
        "", description=label(Enterprise, "rd_institution_level")
    )
    is_software_enterprise: bool = Field(
        False, description=label(Enterprise, "is_software_enterprise")
    )


class EnterprisePatch(optional(EnterpriseIn)):  # type: ignore[misc]
    pass


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor: str | None
    action: str
    changes: dict[str, list[Any]] = Field(description="字段 → [修改前, 修改后]")
    source: str

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.username if obj.actor_id else None


# --- other organisations --------------------------------------------------------------------


class InstitutionOut(OrganizationOut):
    kind: str
    central_in_province: bool


class InstitutionDetail(InstitutionOut):
    address: str


class ServiceInstitutionOut(OrganizationOut):
    kind: str
    level: str
    recognized_on: date | None
    revoked_on: date | None


class ServiceInstitutionDetail(ServiceInstitutionOut):
    address: str


class BankOut(OrganizationOut):
    short_name: str
    branch_count: int


class BankBranchOut(Schema):
    id: int
    name: str
    city_id: str
    is_tech_branch: bool
    opened_on: date | None


class BankDetail(BankOut):
    address: str
    branches: list[BankBranchOut]

    @staticmethod
    def resolve_branches(obj: Any) -> list[Any]:
        return list(obj.branches.all())


# --- platforms and people -------------------------------------------------------------------


class PlatformOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    status: str
    city_id: str
    city_name: str
    host_institution_id: int | None
    host_enterprise_id: int | None
    parent_id: int | None
    field_id: str | None
    approved_on: date | None
    member_count: int
    investment_total: Money

    @staticmethod
    def resolve_city_name(obj: Any) -> str:
        return str(obj.city.name)


class PlatformDetail(PlatformOut):
    description: str


class PlatformIn(InputSchema):
    name: str = Field(description=label(Platform, "name"))
    kind: choices_of(Platform.Kind.choices) = Field(  # type: ignore[valid-type]
        description=label(Platform, "kind")
    )
    level: choices_of(Platform.Level.choices) = Field(  # type: ignore[valid-type]
        description=label(Platform, "level")
    )
    city_id: str = Field(description=label(Platform, "city"))
    host_institution_id: int | None = Field(None, description=label(Platform, "host_institution"))
    host_enterprise_id: int | None = Field(None, description=label(Platform, "host_enterprise"))
    parent_id: int | None = Field(None, description=label(Platform, "parent"))
    approved_on: date | None = Field(None, description=label(Platform, "approved_on"))
    status: choices_of(Platform.Status.choices) = Field(  # type: ignore[valid-type]
        "operating", description=label(Platform, "status")
    )
    field_id: str | None = Field(None, description=label(Platform, "field"))
    description: str = Field("", description=label(Platform, "description"))


class PlatformPatch(optional(PlatformIn)):  # type: ignore[misc]
    pass


class PersonOut(Schema):
    id: int
    name: str
    title: str
    institution_id: int | None
    field_id: str | None


EnterprisePage = page_schema(EnterpriseOut)
InstitutionPage = page_schema(InstitutionOut)
ServiceInstitutionPage = page_schema(ServiceInstitutionOut)
BankPage = page_schema(BankOut)
PlatformPage = page_schema(PlatformOut)
PersonPage = page_schema(PersonOut)

__all__ = [
    "AuditEntryOut",
    "BankDetail",
    "BankPage",
    "EnterpriseDetail",
    "EnterpriseIn",
    "EnterprisePage",
    "EnterprisePatch",
    "EnterpriseYearIn",
    "EnterpriseYearOut",
    "InstitutionDetail",
    "InstitutionPage",
    "PersonOut",
    "PersonPage",
    "PlatformDetail",
    "PlatformIn",
    "PlatformPage",
    "PlatformPatch",
    "ServiceInstitutionDetail",
    "ServiceInstitutionPage",
]
