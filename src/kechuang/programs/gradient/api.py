"""Gradient applications and certifications in the REST API: reads through selectors, scoped
to the caller. Applications need a login (an enterprise sees its own, a city bureau its
city's, an expert those assigned to it); certifications are public.
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
from kechuang.programs.gradient import selectors
from kechuang.programs.gradient.filters import CertificationFilter, GradientFilter
from kechuang.programs.gradient.schemas import (
    GradientApplicationDetail,
    GradientApplicationOut,
    GradientApplicationPage,
    GradientApplicationQuery,
    GradientCertificationPage,
    GradientCertificationQuery,
)
from kechuang.programs.gradient.workflow import GRADIENT

router = Router(tags=["programs"])


NAME = F("enterprise__name")


def _gradient(request: HttpRequest) -> QuerySet[Any]:
    return selectors.gradient_list(user=actor(request)).annotate(
        enterprise_name=NAME, recommend_by=F("call__recommend_by")
    )


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
        "events": list(events(user=user, application=app)),
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
