"""Database work side by side: on connections of their own outside a transaction (PostgreSQL),
one after another on this connection inside one, where other connections would not see its
rows."""

from __future__ import annotations

import threading
from functools import partial

import pytest
from django.db import connection

from kechuang.core.models import Region
from kechuang.core.side_by_side import side_by_side
from kechuang.registry.models import Enterprise
from tests.factories import EnterpriseFactory


def _part(n: int) -> tuple[int, int, int]:
    return n, threading.get_ident(), Region.objects.filter(level="city").count()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_postgresql_runs_the_parts_in_threads_in_order():
    got = side_by_side([partial(_part, n) for n in range(3)])

    assert [n for n, _, _ in got] == [0, 1, 2]
    assert [cities for _, _, cities in got] == [14, 14, 14]
    here = threading.get_ident()
    if connection.vendor == "postgresql":
        assert all(thread != here for _, thread, _ in got)
    else:
        assert all(thread == here for _, thread, _ in got)


@pytest.mark.django_db
def test_inside_a_transaction_the_parts_run_here_and_see_its_rows():
    firm = EnterpriseFactory()

    got = side_by_side(
        [threading.get_ident, lambda: Enterprise.objects.filter(pk=firm.pk).exists()]
    )

    assert got == [threading.get_ident(), True]


@pytest.mark.django_db(transaction=True)
def test_an_error_in_a_part_reaches_the_caller():
    def broken() -> int:
        raise ValueError("part failed")

    with pytest.raises(ValueError, match="part failed"):
        side_by_side([partial(_part, 0), broken])
