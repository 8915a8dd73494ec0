"""Gradient-program pages: experts and the city's recommendation queue."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kechuang.core.roles import Role
from tests.factories import (
    ExpertReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FORM = {
    "year": "2023",
    "staff": "100",
    "tech_staff": "30",
    "sales_revenue": "50000000",
    "total_cost": "40000000",
    "rd_expense": "3000000",
    "total_assets": "30000000",
    "ip_class1": "0",
    "ip_class2": "2",
}


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_experts_open_only_assigned_applications(expert):
    mine = ExpertReviewFactory(expert=expert).application
    theirs = ExpertReviewFactory().application
    c = login(expert)
    assert c.get(reverse("programs:gradient_detail", args=[mine.pk])).status_code == 200
    assert c.get(reverse("programs:gradient_detail", args=[theirs.pk])).status_code == 404
    listing = c.get(reverse("programs:gradient_list")).content.decode()
    assert str(mine) in listing and str(theirs) not in listing
    page = c.get(reverse("programs:gradient_detail", args=[mine.pk])).content.decode()
    assert 'id="score"' in page
    response = c.post(
        reverse("programs:gradient_score", args=[mine.pk]),
        {"score": "88", "recommended": "1", "comment": "好"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "expert_passed"


def test_city_sees_recommendation_queue_with_deadline(city_admin, enterprise):
    from tests.factories import GradientApplicationFactory

    app = GradientApplicationFactory(enterprise=enterprise)
    body = login(city_admin).get(reverse("programs:recommendation_queue")).content.decode()
    assert str(app) in body and "2023-07-05" in body
    detail = login(city_admin).get(reverse("programs:gradient_detail", args=[app.pk]))
    assert 'id="recommend"' in detail.content.decode()
    other = UserFactory(role=Role.CITY_ADMIN, city_id="210200")
    assert login(other).get(reverse("programs:gradient_detail", args=[app.pk])).status_code == 404
