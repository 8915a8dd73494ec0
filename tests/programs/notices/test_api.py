"""Public notices in the API."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import (
    NoticeEntryFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/programs"


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_notices_are_public_with_their_lists():
    entry = NoticeEntryFactory()
    notices = client().get(f"{API}/notices").json()
    assert [n["id"] for n in notices["items"]] == [entry.batch_id]
    detail = client().get(f"{API}/notices/{entry.batch_id}").json()
    assert detail["entries"] == [
        {"id": entry.pk, "enterprise_name": entry.enterprise_name, "region_id": "210102"}
    ]
    assert detail["ends_on"] == entry.batch.ends_on.isoformat()
