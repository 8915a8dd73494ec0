"""Objections are decided with the buttons their workflow opens."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kechuang.programs.notices.models import Objection
from tests.factories import (
    ObjectionFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/programs"


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def act(name: str, pk: int, action: str) -> str:
    return reverse(f"programs:{name}_act", kwargs={"pk": pk, "action": action})


def test_objections_are_decided_with_buttons(province_admin, bank_user):
    objection = ObjectionFactory()
    c = login(province_admin)
    page = c.get(reverse("programs:objection_list")).content.decode()
    assert act("objection", objection.pk, "uphold") in page
    response = c.post(act("objection", objection.pk, "dismiss"), {"reason": "经核实无误"})
    assert response["Location"] == reverse("programs:objection_list")
    objection.refresh_from_db()
    assert objection.decision == Objection.Decision.DISMISSED
    assert (
        act("objection", objection.pk, "uphold")
        not in c.get(reverse("programs:objection_list")).content.decode()
    )
    assert login(bank_user).post(act("objection", objection.pk, "uphold")).status_code in (403, 404)
