"""Tech-SME applications and admissions in the REST API: reads through selectors, scoped to
the caller. Applications need a login (an enterprise sees its own, a city bureau its city's);
admissions in force are public. An object outside the caller's scope answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from kechuang.core.api_support import (
    Limit,
    Offset,
    actor,
    apply_filters,
    login_required,
    page,
    path_id,
    public_read,
)
from kechuang.programs.common import events
from kechuang.programs.techsme import selectors
from kechuang.programs.techsme.filters import AdmissionFilter, ApplicationFilter
from kechuang.programs.techsme.schemas import (
    TechSMEAdmissionDetail,
    TechSMEAdmissionOut,
    TechSMEAdmissionPage,
    TechSMEAdmissionQuery,
    TechSMEApplicationDetail,
    TechSMEApplicationOut,
    TechSMEApplicationPage,
    TechSMEApplicationQuery,
)
from kechuang.programs.techsme.workflow import TECH_SME

router = Router(tags=["programs"])


NAME = F("enterprise__name")


def _applications(request: HttpRequest) -> QuerySet[Any]:
    return selectors.application_list(user=actor(request)).annotate(enterprise_name=NAME)


def _admissions(request: HttpRequest) -> QuerySet[Any]:
    return selectors.admission_list(user=actor(request)).annotate(enterprise_name=NAME)


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
        "events": list(events(user=user, application=app)),
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
