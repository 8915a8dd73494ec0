"""Database work done side by side, each part on a connection of its own.

PostgreSQL spends a core per statement that reads or writes in bulk (formatting a COPY's rows,
parsing them, updating indexes), so two such statements take about half the time of one after
the other. This holds only outside a transaction: inside one, another connection would not see
the rows the transaction has written, so there the parts run one after another on this
connection, as they do on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connection, connections

T = TypeVar("T")
WORKERS = 2


def side_by_side(parts: Sequence[Callable[[], T]], workers: int = WORKERS) -> list[T]:
    """Each part's result, in order; parts run in threads where that is safe (see above)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or len(parts) < 2:
        return [part() for part in parts]

    def own(part: Callable[[], T]) -> T:
        try:
            return part()
        finally:
            connections.close_all()  # this thread's connections only

    with ThreadPoolExecutor(max_workers=min(workers, len(parts))) as pool:
        return list(pool.map(own, parts))
