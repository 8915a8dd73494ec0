"""Paging bounds hold on every list, also beside a filter schema (where the framework drops
the bounds of the parameters): a bad offset or limit is 422, never a database error."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/market/challenge-lists", "/api/v1/registry/banks"])
@pytest.mark.parametrize("query", ["offset=220037371407458608683117570898788352", "limit=0"])
def test_paging_out_of_bounds_is_422(path, query):
    response = Client().get(f"{path}?status=closed&{query}")
    assert response.status_code == 422, response.content
