"""Reads of the public notices and their objections, restricted to what the acting user may
see: notices and their entries are public; objections are the province's, a city bureau's of
its city's enterprises, and each objector's own.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.programs.gradient import selectors as gradient
from kechuang.programs.gradient.workflow import GRADIENT
from kechuang.programs.notices.models import NoticeBatch, NoticeEntry, Objection
from kechuang.programs.techsme import selectors as techsme
from kechuang.programs.techsme.workflow import TECH_SME

if TYPE_CHECKING:
    from kechuang.programs.common import Application


def ready_for_notice(*, user: Any, program: str, year: int | None = None) -> QuerySet[Any]:
    """Applications that passed review (tech-SME) or expert review (gradient), not yet on a
    notice."""
    if program == "tech-sme":
        qs: QuerySet[Any] = techsme.application_list(user=user).filter(TECH_SME.awaiting("publish"))
    else:
        qs = gradient.gradient_list(user=user).filter(GRADIENT.awaiting("publish"), program=program)
    return qs.filter(year=year) if year else qs


def notice_list(*, user: Any) -> QuerySet[NoticeBatch]:
    return scoping.visible(NoticeBatch.objects.all(), user)


def notice_get(*, user: Any, pk: int) -> NoticeBatch:
    return notice_list(user=user).get(pk=pk)


def notice_entries(*, user: Any, batch: NoticeBatch) -> QuerySet[NoticeEntry]:
    return scoping.visible(batch.entries.select_related("region"), user)


def notice_entry_list(*, user: Any) -> QuerySet[NoticeEntry]:
    return scoping.visible(NoticeEntry.objects.select_related("batch", "region"), user)


def objection_list(*, user: Any) -> QuerySet[Objection]:
    qs = Objection.objects.select_related("entry", "entry__batch", "raised_by", "resolved_by")
    return scoping.visible(qs, user)


def notice_open(entry: NoticeEntry, on: dt.date) -> bool:
    return entry.batch.starts_on <= on <= entry.batch.ends_on


def require_notice_over(application: Application, on: dt.date) -> NoticeEntry:
    """The notice of `application` has ended and no objection stands in the way."""
    entry = NoticeEntry.objects.select_related("batch").get(**{application.LINK: application})
    if on <= entry.batch.ends_on:
        raise ValidationError(
            _("公示期至%(end)s结束,结束后方可办理"),
            code="notice_running",
            params={"end": entry.batch.ends_on.isoformat()},
        )
    decisions = set(entry.objections.values_list("decision", flat=True))
    if Objection.Decision.UPHELD in decisions:
        raise ValidationError(_("公示异议成立,不能办理"), code="objection_upheld")
    if Objection.Decision.PENDING in decisions:
        raise ValidationError(_("尚有未处理的公示异议"), code="objection_pending")
    return entry
