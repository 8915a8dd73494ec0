"""The buttons of the gradient pages come from its workflow."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    GradientApplicationFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/programs"


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def act(name: str, pk: int, action: str) -> str:
    return reverse(f"programs:{name}_act", kwargs={"pk": pk, "action": action})


def test_the_city_recommends_with_buttons(enterprise, city_admin, dalian_admin):
    app = GradientApplicationFactory(enterprise=enterprise)
    detail = reverse("programs:gradient_detail", args=[app.pk])
    page = login(city_admin).get(detail).content.decode()
    assert act("gradient", app.pk, "recommend") in page
    assert act("gradient", app.pk, "not_recommend") in page
    assert login(dalian_admin).post(act("gradient", app.pk, "recommend")).status_code == 404
    # The fixture's call closed its recommendations in 2023: refused with the reason why.
    page = login(city_admin).post(act("gradient", app.pk, "recommend"), follow=True)
    assert "推荐截止日期2023-07-05已过" in page.content.decode()
