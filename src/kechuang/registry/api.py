"""The registry in the REST API. Reads go through selectors, writes through services.

An object the user may not see answers 404, exactly as one that does not exist.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.responses import Status

from kechuang.core import scoping
from kechuang.core.api_support import (
    Limit,
    Offset,
    actor,
    apply_filters,
    filter_schema,
    login_required,
    page,
    page_schema,
    path_id,
    public_read,
)
from kechuang.registry import selectors, services
from kechuang.registry.filters import (
    BankFilter,
    EnterpriseFilter,
    InstitutionFilter,
    PersonFilter,
    PlatformFilter,
    ServiceInstitutionFilter,
)
from kechuang.registry.models import (
    BankBranch,
    BankRead,
    Enterprise,
    Platform,
    PlatformInvestment,
    PlatformMember,
)
from kechuang.registry.schemas import (
    AuditEntryOut,
    BankDetail,
    BankPage,
    EnterpriseDetail,
    EnterpriseIn,
    EnterprisePage,
    EnterprisePatch,
    EnterpriseYearIn,
    EnterpriseYearOut,
    InstitutionDetail,
    InstitutionPage,
    PersonOut,
    PersonPage,
    PlatformDetail,
    PlatformIn,
    PlatformPage,
    PlatformPatch,
    ServiceInstitutionDetail,
    ServiceInstitutionPage,
)

router = Router(tags=["registry"])


class EnterpriseQuery(filter_schema(EnterpriseFilter)):  # type: ignore[misc]
    pass


class InstitutionQuery(filter_schema(InstitutionFilter)):  # type: ignore[misc]
    pass


class ServiceInstitutionQuery(filter_schema(ServiceInstitutionFilter)):  # type: ignore[misc]
    pass


class BankQuery(filter_schema(BankFilter)):  # type: ignore[misc]
    pass


class PlatformQuery(filter_schema(PlatformFilter)):  # type: ignore[misc]
    pass


class PersonQuery(filter_schema(PersonFilter)):  # type: ignore[misc]
    pass


AuditEntryPage = page_schema(AuditEntryOut)


# --- enterprises ----------------------------------------------------------------------------


def _enterprise(user: Any, pk: int) -> Enterprise:
    obj = selectors.enterprise_get(user=user, pk=pk)
    obj.visible_years = list(  # type: ignore[attr-defined]
        selectors.enterprise_years(user=user, enterprise=obj)
    )
    return obj


@router.get("/enterprises", **login_required("企业列表", EnterprisePage))
def enterprise_list(
    request: HttpRequest,
    filters: Query[EnterpriseQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    user = actor(request)
    qs = apply_filters(EnterpriseFilter, filters, selectors.enterprise_list(user=user))
    result = page(qs, limit, offset)
    services.bank_reads_record(
        user=user,
        enterprise_ids=[e.pk for e in result["items"]],
        what=BankRead.What.PROFILE,
        channel=BankRead.Channel.API,
    )
    return result


@router.get(
    "/enterprises/{enterprise_id}", **login_required("企业详情(含年度数据)", EnterpriseDetail)
)
def enterprise_detail(request: HttpRequest, enterprise_id: int = path_id("企业ID")) -> Any:
    obj = _enterprise(actor(request), enterprise_id)
    services.bank_reads_of_enterprise(user=actor(request), enterprise=obj, channel="api")
    return obj


@router.post("/enterprises", **login_required("登记企业", EnterpriseDetail, status=201))
def enterprise_create(request: HttpRequest, payload: EnterpriseIn) -> Any:
    user = actor(request)
    obj = services.enterprise_create(actor=user, data=payload.model_dump(), source="api")
    saved = _enterprise(user, obj.pk)
    saved.warnings = services.record_warnings(saved)  # type: ignore[attr-defined]
    return Status(201, saved)


@router.patch("/enterprises/{enterprise_id}", **login_required("修改企业", EnterpriseDetail))
def enterprise_update(
    request: HttpRequest, payload: EnterprisePatch, enterprise_id: int = path_id("企业ID")
) -> Any:
    user = actor(request)
    obj = selectors.enterprise_get(user=user, pk=enterprise_id)
    data = payload.model_dump(exclude_unset=True)
    services.enterprise_update(actor=user, enterprise=obj, data=data, source="api")
    saved = _enterprise(user, obj.pk)
    saved.warnings = services.record_warnings(saved)  # type: ignore[attr-defined]
    return saved


@router.put(
    "/enterprises/{enterprise_id}/years/{year}",
    **login_required("填报企业年度数据(整体替换)", EnterpriseYearOut),
)
def enterprise_year_put(
    request: HttpRequest,
    payload: EnterpriseYearIn,
    enterprise_id: int = path_id("企业ID"),
    year: int = Path(..., ge=1949, le=2100, description="年度"),
) -> Any:
    user = actor(request)
    obj = selectors.enterprise_get(user=user, pk=enterprise_id)
    return services.enterprise_year_save(
        actor=user, enterprise=obj, year=year, data=payload.model_dump(), source="api"
    )


@router.get(
    "/enterprises/{enterprise_id}/history", **login_required("企业变更记录", AuditEntryPage)
)
def enterprise_history(
    request: HttpRequest,
    enterprise_id: int = path_id("企业ID"),
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    user = actor(request)
    obj = selectors.enterprise_get(user=user, pk=enterprise_id)
    return page(selectors.object_history(user=user, obj=obj), limit, offset)


# --- institutions, service institutions, banks ----------------------------------------------


@router.get("/institutions", **public_read("高校院所列表", InstitutionPage))
def institution_list(
    request: HttpRequest,
    filters: Query[InstitutionQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = selectors.institution_list(user=actor(request))
    return page(apply_filters(InstitutionFilter, filters, qs), limit, offset)


@router.get("/institutions/{institution_id}", **public_read("高校院所详情", InstitutionDetail))
def institution_detail(request: HttpRequest, institution_id: int = path_id("高校院所ID")) -> Any:
    return selectors.institution_list(user=actor(request)).get(pk=institution_id)


@router.get("/service-institutions", **public_read("服务机构列表", ServiceInstitutionPage))
def service_institution_list(
    request: HttpRequest,
    filters: Query[ServiceInstitutionQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = selectors.service_institution_list(user=actor(request))
    return page(apply_filters(ServiceInstitutionFilter, filters, qs), limit, offset)


@router.get(
    "/service-institutions/{service_institution_id}",
    **public_read("服务机构详情", ServiceInstitutionDetail),
)
def service_institution_detail(
    request: HttpRequest, service_institution_id: int = path_id("服务机构ID")
) -> Any:
    qs = selectors.service_institution_list(user=actor(request))
    return qs.get(pk=service_institution_id)


@router.get("/banks", **public_read("银行列表", BankPage))
def bank_list(
    request: HttpRequest,
    filters: Query[BankQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = selectors.bank_list(user=actor(request))
    return page(apply_filters(BankFilter, filters, qs), limit, offset)


@router.get("/banks/{bank_id}", **public_read("银行详情(含网点)", BankDetail))
def bank_detail(request: HttpRequest, bank_id: int = path_id("银行ID")) -> Any:
    user = actor(request)
    branches = scoping.visible(BankBranch.objects.all(), user)
    qs = selectors.bank_list(user=user).prefetch_related(Prefetch("branches", queryset=branches))
    return qs.get(pk=bank_id)


# --- platforms and people -------------------------------------------------------------------


def _with_totals(qs: QuerySet[Platform]) -> QuerySet[Platform]:
    # Subqueries, not joins: counting members and summing investments in one join would
    # multiply each by the other.
    members = (
        PlatformMember.objects.filter(platform=OuterRef("pk"))
        .order_by()
        .values("platform")
        .annotate(n=Count("pk"))
        .values("n")
    )
    invested = (
        PlatformInvestment.objects.filter(platform=OuterRef("pk"))
        .order_by()
        .values("platform")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money: DecimalField = DecimalField(max_digits=20, decimal_places=2)
    return qs.annotate(
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
        investment_total=Coalesce(
            Subquery(invested, output_field=money), Value(Decimal("0.00")), output_field=money
        ),
    )


@router.get("/platforms", **public_read("平台列表(含成员数、投资总额)", PlatformPage))
def platform_list(
    request: HttpRequest,
    filters: Query[PlatformQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = apply_filters(PlatformFilter, filters, selectors.platform_list(user=actor(request)))
    return page(_with_totals(qs), limit, offset)


def _platform(user: Any, pk: int) -> Platform:
    return _with_totals(selectors.platform_list(user=user)).get(pk=pk)


@router.get("/platforms/{platform_id}", **public_read("平台详情", PlatformDetail))
def platform_detail(request: HttpRequest, platform_id: int = path_id("平台ID")) -> Any:
    return _platform(actor(request), platform_id)


@router.post("/platforms", **login_required("新建平台", PlatformDetail, status=201))
def platform_create(request: HttpRequest, payload: PlatformIn) -> Any:
    user = actor(request)
    obj = services.platform_create(actor=user, data=payload.model_dump(), source="api")
    return Status(201, _platform(user, obj.pk))


@router.patch("/platforms/{platform_id}", **login_required("修改平台", PlatformDetail))
def platform_update(
    request: HttpRequest, payload: PlatformPatch, platform_id: int = path_id("平台ID")
) -> Any:
    user = actor(request)
    obj = selectors.platform_list(user=user).get(pk=platform_id)
    data = payload.model_dump(exclude_unset=True)
    services.platform_update(actor=user, platform=obj, data=data, source="api")
    return _platform(user, obj.pk)


@router.get("/platforms/{platform_id}/history", **login_required("平台变更记录", AuditEntryPage))
def platform_history(
    request: HttpRequest,
    platform_id: int = path_id("平台ID"),
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    user = actor(request)
    obj = selectors.platform_list(user=user).get(pk=platform_id)
    return page(selectors.object_history(user=user, obj=obj), limit, offset)


@router.get("/persons", **public_read("人员列表", PersonPage))
def person_list(
    request: HttpRequest,
    filters: Query[PersonQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = selectors.person_list(user=actor(request))
    return page(apply_filters(PersonFilter, filters, qs), limit, offset)


@router.get("/persons/{person_id}", **public_read("人员详情", PersonOut))
def person_detail(request: HttpRequest, person_id: int = path_id("人员ID")) -> Any:
    return selectors.person_list(user=actor(request)).get(pk=person_id)
