"""The shapes of tech-SME applications and admissions in the REST API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from kechuang.core.api_support import ActionOut, filter_schema, page_schema
from kechuang.programs.common import ProgramEventOut
from kechuang.programs.techsme.filters import AdmissionFilter, ApplicationFilter


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


# Named apart from other apps' filter schemas: OpenAPI component names are global.
ApplicationFilters = filter_schema(ApplicationFilter, "TechSMEApplicationFilters")


AdmissionFilters = filter_schema(AdmissionFilter, "TechSMEAdmissionFilters")


class TechSMEApplicationQuery(ApplicationFilters):  # type: ignore[misc,valid-type]
    pass


class TechSMEAdmissionQuery(AdmissionFilters):  # type: ignore[misc,valid-type]
    pass


TechSMEApplicationPage = page_schema(TechSMEApplicationOut)


TechSMEAdmissionPage = page_schema(TechSMEAdmissionOut)
