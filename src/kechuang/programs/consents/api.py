"""What banks read through the consents of enterprises, in the REST API: the innovation points
of the enterprises whose consent to the calling bank is in force; and the record of those
reads, for the enterprise that was read (and the bank, and the city bureau)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from kechuang.core.api_support import Limit, Offset, actor, login_required, page, page_schema
from kechuang.programs.consents import selectors as sel
from kechuang.programs.runs.schemas import ResultPage
from kechuang.registry import services as registry
from kechuang.registry.models import BankRead

router = Router(tags=["programs"])


NAMES = {"enterprise_name": F("enterprise__name"), "uscc": F("enterprise__uscc")}


@router.get(
    "/bank/innovation-points",
    **login_required("授权企业的创新积分(银行)", ResultPage),
)
def bank_points(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Any:
    user = actor(request)
    result = page(sel.bank_points(user=user).annotate(**NAMES), limit, offset)
    registry.bank_reads_record(
        user=user,
        enterprise_ids=[r.enterprise_id for r in result["items"]],
        what=BankRead.What.POINTS,
        channel=BankRead.Channel.API,
    )
    return result


class BankReadOut(Schema):
    id: int
    at: datetime
    bank_id: int
    bank_name: str
    enterprise_id: int
    reader: str | None = Field(description="查阅人(银行用户名)")
    what: str = Field(description="points 创新积分 / profile 登记信息 / figures 年度数据")
    channel: str = Field(description="web 网页 / api 接口 / export 导出")

    @staticmethod
    def resolve_bank_name(obj: Any) -> str:
        return str(obj.bank.name)

    @staticmethod
    def resolve_reader(obj: Any) -> str | None:
        return obj.reader.username if obj.reader_id else None


@router.get(
    "/consents/reads",
    **login_required("银行查阅记录(企业看谁在何时查阅了什么)", page_schema(BankReadOut)),
)
def bank_reads(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Any:
    return page(sel.bank_reads(user=actor(request)), limit, offset)
