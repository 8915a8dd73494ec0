"""The contract workbook as an export job (core/exports.py), in the import's columns."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from kechuang.core.exports import Table, exporter
from kechuang.market.contracts import excel
from kechuang.market.contracts.views import contracts_of


@exporter("market.contracts", _("技术合同导出"))
def contracts(user: Any, query: str, extra: dict[str, Any]) -> Table:
    rows = contracts_of(user, QueryDict(query))
    return Table(
        excel.HEADERS,
        excel.contract_rows(rows.iterator(chunk_size=2000)),
        rows.count(),
        "技术合同",
        sheet=excel.SHEET,
    )
