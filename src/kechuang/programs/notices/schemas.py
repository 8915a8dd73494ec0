"""The shapes of the public notices in the REST API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from kechuang.core.api_support import page_schema


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


NoticePage = page_schema(NoticeOut)
