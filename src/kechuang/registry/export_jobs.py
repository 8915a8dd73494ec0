"""The registry's large exports as jobs (core/exports.py): each list, and the yearly data.

The job applies the list's own FilterSet (from the query string the list had) to the list's
scoped selector for the user who asked, as the synchronous CSV export does.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from kechuang.core.exports import Table, exporter
from kechuang.registry import exporting, filters, selectors, services
from kechuang.registry.views_io import EXPORTS, Export

LABELS = {
    "enterprise": _("企业名录导出"),
    "institution": _("高校院所导出"),
    "service_institution": _("服务机构导出"),
    "bank": _("银行导出"),
    "platform": _("平台导出"),
}


def _list(spec: Export) -> Any:
    def build(user: Any, query: str, extra: dict[str, Any]) -> Table:
        rows = spec.filterset(QueryDict(query), queryset=spec.rows(user=user)).qs
        services.bank_reads_exported(user=user, rows=rows)
        return Table(
            [[str(c.label) for c in spec.columns]],
            exporting.table_rows(rows, spec.columns, user),
            rows.count(),
            spec.filename,
        )

    return build


for _kind, _spec in EXPORTS.items():
    exporter(f"registry.{_kind}", LABELS[_kind])(_list(_spec))


@exporter("registry.enterprise_year", _("企业年度数据导出"))
def enterprise_years(user: Any, query: str, extra: dict[str, Any]) -> Table:
    enterprises = filters.EnterpriseFilter(
        QueryDict(query), queryset=selectors.enterprise_list(user=user)
    ).qs
    rows = exporting.enterprise_years_of(user=user, enterprises=enterprises)
    services.bank_reads_exported(user=user, rows=rows)
    columns = exporting.ENTERPRISE_YEAR_COLUMNS
    return Table(
        [[str(c.label) for c in columns]],
        exporting.table_rows(rows, columns, user),
        rows.count(),
        "企业年度数据",
    )
