"""The evaluation programs in the REST API: reads through selectors, scoped to the caller.

Applications need a login (an enterprise sees its own, a city bureau its city's, an expert
the gradient applications assigned to it); notices, admissions in force and gradient
certifications are public. An object outside the caller's scope answers 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from kechuang.core.api_support import (
    ActionOut,
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
from kechuang.programs import selectors
from kechuang.programs.filters import (
    AdmissionFilter,
    ApplicationFilter,
    CertificationFilter,
    GradientFilter,
)
from kechuang.programs.workflows import GRADIENT, TECH_SME

router = Router(tags=["programs"])
NAME = F("enterprise__name")


def _applications(request: HttpRequest) -> QuerySet[Any]:
    return selectors.application_list(user=actor(request)).annotate(enterprise_name=NAME)


def _admissions(request: HttpRequest) -> QuerySet[Any]:
    return selectors.admission_list(user=actor(request)).annotate(enterprise_name=NAME)


def _gradient(request: HttpRequest) -> QuerySet[Any]:
    return selectors.gradient_list(user=actor(request)).annotate(
        enterprise_name=NAME, recommend_by=F("call__recommend_by")
    )


class ProgramEventOut(Schema):
    kind: str
    at: dt.datetime
    actor_id: int | None
    reason: str
    data: dict[str, Any]


class TechSMEApplicationOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    year: int
    status: str
    score: int | None
    verdict: str
    qualified_by: str
    spec_version: str
    submitted_on: dt.date | None
    review_due: dt.date | None
    reviewed_on: dt.date | None
    overdue: bool


class TechSMEApplicationDetail(TechSMEApplicationOut):
    figures: dict[str, Any]
    explanation: dict[str, list[str]]
    admission_number: str | None
    events: list[ProgramEventOut]
    actions: list[ActionOut]


class TechSMEAdmissionOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise_name: str
    year: int
    county_id: str
    admitted_on: dt.date
    valid_from: dt.date
    valid_to: dt.date
    revoked_on: dt.date | None
    reevaluation_due_on: dt.date | None


class TechSMEAdmissionDetail(TechSMEAdmissionOut):
    # The admission is in force while its application is admitted: its actions (spot
    # checks, revocation) are the application's.
    actions: list[ActionOut]


class NoticeOut(Schema):
    id: int
    program: str
    year: int
    title: str
    starts_on: dt.date
    ends_on: dt.date


class NoticeEntryOut(Schema):
    id: int
    enterprise_name: str
    region_id: str


class NoticeDetail(NoticeOut):
    entries: list[NoticeEntryOut]


class GradientApplicationOut(Schema):
    id: int
    program: str
    year: int
    enterprise_id: int
    enterprise_name: str
    status: str
    applied_on: dt.date
    recommended_on: dt.date | None
    recommend_by: dt.date
    verdict: str


class GradientApplicationDetail(GradientApplicationOut):
    statement: str
    explanation: dict[str, list[str]]
    events: list[ProgramEventOut]
    actions: list[ActionOut]


class GradientCertificationOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    program: str
    year: int
    filed_on: dt.date
    valid_from: dt.date
    valid_to: dt.date


# Named apart from other apps' filter schemas: OpenAPI component names are global.
ApplicationFilters = filter_schema(ApplicationFilter, "TechSMEApplicationFilters")
AdmissionFilters = filter_schema(AdmissionFilter, "TechSMEAdmissionFilters")
GradientFilters = filter_schema(GradientFilter, "GradientApplicationFilters")
CertificationFilters = filter_schema(CertificationFilter, "GradientCertificationFilters")


class TechSMEApplicationQuery(ApplicationFilters):  # type: ignore[misc,valid-type]
    pass


class TechSMEAdmissionQuery(AdmissionFilters):  # type: ignore[misc,valid-type]
    pass


class GradientApplicationQuery(GradientFilters):  # type: ignore[misc,valid-type]
    pass


class GradientCertificationQuery(CertificationFilters):  # type: ignore[misc,valid-type]
    pass


TechSMEApplicationPage = page_schema(TechSMEApplicationOut)
TechSMEAdmissionPage = page_schema(TechSMEAdmissionOut)
NoticePage = page_schema(NoticeOut)
GradientApplicationPage = page_schema(GradientApplicationOut)
GradientCertificationPage = page_schema(GradientCertificationOut)


@router.get(
    "/tech-sme/applications", **login_required("科技型中小企业评价申请列表", TechSMEApplicationPage)
)
def application_list(
    request: HttpRequest,
    filters: Query[TechSMEApplicationQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = apply_filters(ApplicationFilter, filters, _applications(request))
    return page(qs, limit, offset)


@router.get(
    "/tech-sme/applications/{application_id}",
    **login_required("科技型中小企业评价申请详情(含办理过程)", TechSMEApplicationDetail),
)
def application_detail(request: HttpRequest, application_id: int = path_id("申请ID")) -> Any:
    user = actor(request)
    app = _applications(request).get(pk=application_id)
    admission = getattr(app, "admission", None)
    return {
        **TechSMEApplicationOut.from_orm(app).model_dump(),
        "figures": app.figures,
        "explanation": app.explanation,
        "admission_number": admission.number if admission is not None else None,
        "events": list(selectors.events(user=user, application=app)),
        "actions": TECH_SME.actions(user, app),
    }


@router.get("/tech-sme/admissions", **public_read("科技型中小企业入库列表", TechSMEAdmissionPage))
def admission_list(
    request: HttpRequest,
    filters: Query[TechSMEAdmissionQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = apply_filters(AdmissionFilter, filters, _admissions(request))
    return page(qs, limit, offset)


@router.get(
    "/tech-sme/admissions/{admission_id}",
    **public_read("科技型中小企业入库详情", TechSMEAdmissionDetail),
)
def admission_detail(request: HttpRequest, admission_id: int = path_id("入库ID")) -> Any:
    admission = _admissions(request).select_related("application").get(pk=admission_id)
    return {
        **TechSMEAdmissionOut.from_orm(admission).model_dump(),
        "actions": TECH_SME.actions(actor(request), admission.application),
    }


@router.get("/notices", **public_read("公示批次列表", NoticePage))
def notice_list(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Any:
    return page(
        selectors.notice_list(user=actor(request)).order_by("-starts_on", "-id"), limit, offset
    )


@router.get("/notices/{notice_id}", **public_read("公示批次详情(含公示名单)", NoticeDetail))
def notice_detail(request: HttpRequest, notice_id: int = path_id("公示批次ID")) -> Any:
    user = actor(request)
    batch = selectors.notice_get(user=user, pk=notice_id)
    return {
        **NoticeOut.from_orm(batch).model_dump(),
        "entries": list(selectors.notice_entries(user=user, batch=batch)),
    }


@router.get("/gradient/applications", **login_required("梯度培育申报列表", GradientApplicationPage))
def gradient_list(
    request: HttpRequest,
    filters: Query[GradientApplicationQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    qs = apply_filters(GradientFilter, filters, _gradient(request))
    return page(qs, limit, offset)


@router.get(
    "/gradient/applications/{application_id}",
    **login_required("梯度培育申报详情(含办理过程)", GradientApplicationDetail),
)
def gradient_detail(request: HttpRequest, application_id: int = path_id("申报ID")) -> Any:
    user = actor(request)
    app = _gradient(request).get(pk=application_id)
    return {
        **GradientApplicationOut.from_orm(app).model_dump(),
        "statement": app.statement,
        "explanation": app.explanation,
        "events": list(selectors.events(user=user, application=app)),
        "actions": GRADIENT.actions(user, app),
    }


@router.get(
    "/gradient/certifications", **public_read("梯度培育企业列表", GradientCertificationPage)
)
def certification_list(
    request: HttpRequest,
    filters: Query[GradientCertificationQuery],
    limit: int = Limit,
    offset: int = Offset,
) -> Any:
    certifications = selectors.certification_list(user=actor(request)).annotate(
        enterprise_name=NAME
    )
    qs = apply_filters(CertificationFilter, filters, certifications)
    return page(qs, limit, offset)
