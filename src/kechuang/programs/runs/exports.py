"""A run's results as an export job (core/exports.py), in the columns of the page's export."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from kechuang.core.exports import Table, exporter
from kechuang.programs.runs import selectors as sel
from kechuang.programs.runs.filters import ResultFilter
from kechuang.programs.runs.views import result_columns
from kechuang.registry.exporting import table_rows


@exporter("programs.run_results", _("评价结果导出"))
def run_results(user: Any, query: str, extra: dict[str, Any]) -> Table:
    run = sel.run_list(user=user).filter(pk=int(extra.get("run") or 0)).first()
    if run is None:  # no longer visible to the user who asked
        raise PermissionDenied
    rows = ResultFilter(QueryDict(query), queryset=sel.run_results(user=user, run=run)).qs
    rows = rows.order_by("-score", "pk")
    columns = result_columns(run)
    return Table(
        [[str(c.label) for c in columns]],
        table_rows(rows, columns),
        rows.count(),
        f"评价结果-{run.program}-{run.year}-{run.pk}",
    )
