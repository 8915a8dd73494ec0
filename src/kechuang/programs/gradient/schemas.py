"""The shapes of gradient applications and certifications in the REST API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from kechuang.core.api_support import ActionOut, filter_schema, page_schema
from kechuang.programs.common import ProgramEventOut
from kechuang.programs.gradient.filters import CertificationFilter, GradientFilter


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


GradientFilters = filter_schema(GradientFilter, "GradientApplicationFilters")


CertificationFilters = filter_schema(CertificationFilter, "GradientCertificationFilters")


class GradientApplicationQuery(GradientFilters):  # type: ignore[misc,valid-type]
    pass


class GradientCertificationQuery(CertificationFilters):  # type: ignore[misc,valid-type]
    pass


GradientApplicationPage = page_schema(GradientApplicationOut)


GradientCertificationPage = page_schema(GradientCertificationOut)
