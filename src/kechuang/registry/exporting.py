"""Exports of registry lists as .xlsx or .csv, with Chinese headers.

`export_queryset` turns any queryset into a file, reading it with `values_list` in chunks
(no model instances). The column sets below serve the export views; the enterprise yearly
data go out in the exchange format (exchange-formats.md §1), so an export re-imports with
no change.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kechuang.core import exports, personal, scoping
from kechuang.registry.importing.columns import COLUMNS
from kechuang.registry.models import (
    Bank,
    Enterprise,
    EnterpriseYear,
    Institution,
    Platform,
    ServiceInstitution,
)

Format = Literal["xlsx", "csv"]
FORMATS: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class ExportColumn:
    path: str  # a `values_list` lookup on the queryset
    label: Any  # the header, usually a lazy translation
    display: Callable[[Any], Any] | None = None  # stored value → shown value


def yes_no(value: Any) -> Any:
    return None if value is None else (_("是") if value else _("否"))


def one_zero(value: Any) -> Any:
    return None if value is None else (1 if value else 0)


def choice(choices: Iterable[tuple[Any, Any]]) -> Callable[[Any], Any]:
    labels = dict(choices)
    return lambda value: labels.get(value, value)


def _cell(value: Any) -> Any:
    """A value a workbook and a CSV both hold without loss."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, str | int | float | Decimal | dt.date) or value is None:
        return value
    return str(value)  # lazy translations and anything else


def table_rows(
    queryset: QuerySet[Any], columns: Sequence[ExportColumn], user: Any = None
) -> Iterator[list[Any]]:
    """The rows of `queryset` as cell values, read in chunks with `values_list`; personal
    data (a contact, a mobile) is masked in each row `user` may not read in full — in every
    row when no user is named."""
    displays = [c.display for c in columns]
    kinds = personal.fields_of(queryset.model)
    masks = {i: personal.MASKS[kinds[c.path]] for i, c in enumerate(columns) if c.path in kinds}
    paths = [c.path for c in columns]
    if masks:
        queryset = personal.annotate_full(queryset, user)
        paths.append(personal.FULL_FLAG)
    for record in queryset.values_list(*paths).iterator(chunk_size=5000):
        if masks:
            full, record = record[-1], record[:-1]
            if not full:
                record = tuple(masks[i](v) if i in masks else v for i, v in enumerate(record))
        yield [_cell(f(v) if f else v) for f, v in zip(displays, record, strict=True)]


def export_queryset(
    queryset: QuerySet[Any], columns: Sequence[ExportColumn], fmt: Format, *, user: Any = None
) -> bytes:
    """The rows of `queryset` as an .xlsx workbook or a UTF-8 (with BOM) CSV file.

    Headers and choice labels are Chinese whatever the reader's language: the files go to
    officials and back into the import, which knows the Chinese labels.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    with translation.override("zh-hans"):
        out = io.BytesIO()
        rows = table_rows(queryset, columns, user)
        exports.write(out, fmt, [[str(c.label) for c in columns]], rows)
        return out.getvalue()


E = ExportColumn

ENTERPRISE_COLUMNS = (
    E("uscc", _("统一社会信用代码")),
    E("name", _("企业名称")),
    E("city__name", _("所属市")),
    E("region_id", _("行政区划代码")),
    E("region__name", _("所在区县")),
    E("zone__name", _("所在高新区")),
    E("industry_id", _("行业代码")),
    E("industry__name", _("行业")),
    E("founded_on", _("成立日期")),
    E("listing_status", _("上市状态"), choice(Enterprise.ListingStatus.choices)),
    E("listing_board", _("上市板块"), choice(Enterprise.Board.choices)),
    E("high_tech_cert_no", _("高新技术企业证书编号")),
    E("high_tech_valid_from", _("高企证书有效期起")),
    E("high_tech_valid_to", _("高企证书有效期至")),
    E("rd_institution_level", _("研发机构级别"), choice(Enterprise.RDLevel.choices)),
    E("address", _("地址")),
    E("contact", _("联系人")),
    E("phone", _("联系电话")),
)

# The exchange format, enterprise by enterprise; headers are the Chinese labels of §1.
_YEAR_PATHS = {
    "uscc": "enterprise__uscc",
    "name": "enterprise__name",
    "founded_on": "enterprise__founded_on",
    "region_code": "enterprise__region_id",
    "industry_code": "enterprise__industry_id",
    "city": "enterprise__city_id",
    "zone": "enterprise__zone__name",
}
ENTERPRISE_YEAR_COLUMNS = tuple(
    E(
        _YEAR_PATHS.get(c.key, c.key),
        c.label,
        one_zero if c.kind == "bool" else None,
    )
    for c in COLUMNS
)

INSTITUTION_COLUMNS = (
    E("uscc", _("统一社会信用代码")),
    E("name", _("名称")),
    E("kind", _("类型"), choice(Institution.Kind.choices)),
    E("central_in_province", _("中直驻辽"), yes_no),
    E("city__name", _("所属市")),
    E("region_id", _("行政区划代码")),
    E("region__name", _("所在区县")),
    E("address", _("地址")),
    E("contact", _("联系人")),
    E("phone", _("联系电话")),
)

SERVICE_INSTITUTION_COLUMNS = (
    E("uscc", _("统一社会信用代码")),
    E("name", _("名称")),
    E("kind", _("类型"), choice(ServiceInstitution.Kind.choices)),
    E("level", _("级别"), choice(ServiceInstitution._meta.get_field("level").choices or [])),
    E("city__name", _("所属市")),
    E("region_id", _("行政区划代码")),
    E("recognized_on", _("认定日期")),
    E("revoked_on", _("撤销日期")),
    E("address", _("地址")),
    E("contact", _("联系人")),
    E("phone", _("联系电话")),
)

BANK_COLUMNS = (
    E("uscc", _("统一社会信用代码")),
    E("name", _("名称")),
    E("short_name", _("简称")),
    E("city__name", _("所属市")),
    E("branch_count", _("网点数")),
    E("address", _("地址")),
    E("contact", _("联系人")),
    E("phone", _("联系电话")),
)

PLATFORM_COLUMNS = (
    E("name", _("名称")),
    E("kind", _("类型"), choice(Platform.Kind.choices)),
    E("level", _("级别"), choice(Platform.Level.choices)),
    E("status", _("状态"), choice(Platform.Status.choices)),
    E("city__name", _("所属市")),
    E("host_institution__name", _("依托单位(高校院所)")),
    E("host_enterprise__name", _("依托单位(企业)")),
    E("approved_on", _("批复日期")),
    E("field__name", _("技术领域")),
)

COLUMNS_BY_MODEL: dict[type, tuple[ExportColumn, ...]] = {
    Enterprise: ENTERPRISE_COLUMNS,
    Institution: INSTITUTION_COLUMNS,
    ServiceInstitution: SERVICE_INSTITUTION_COLUMNS,
    Bank: BANK_COLUMNS,
    Platform: PLATFORM_COLUMNS,
}


def enterprise_years_of(*, user: Any, enterprises: QuerySet[Enterprise]) -> QuerySet[Any]:
    """The yearly rows of `enterprises` that `user` may see, in exchange-format order."""
    years = EnterpriseYear.objects.filter(enterprise__in=enterprises.values("pk"))
    return scoping.visible(years, user).order_by("enterprise__uscc", "year")
