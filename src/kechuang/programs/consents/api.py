"""What banks read through the consents of enterprises, in the REST API: the innovation points
of the enterprises whose consent to the calling bank is in force."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from ninja import Router

from kechuang.core.api_support import Limit, Offset, actor, login_required, page
from kechuang.programs.consents import selectors as sel
from kechuang.programs.runs.schemas import ResultPage

router = Router(tags=["programs"])


NAMES = {"enterprise_name": F("enterprise__name"), "uscc": F("enterprise__uscc")}


@router.get(
    "/bank/innovation-points",
    **login_required("授权企业的创新积分(银行)", ResultPage),
)
def bank_points(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Any:
    return page(sel.bank_points(user=actor(request)).annotate(**NAMES), limit, offset)
