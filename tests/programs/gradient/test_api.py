"""Gradient applications and certifications in the API."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import (
    ExpertReviewFactory,
    GradientCertificationFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/programs"


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_experts_read_only_assigned_gradient_applications(expert):
    mine = ExpertReviewFactory(expert=expert).application
    theirs = ExpertReviewFactory().application
    c = client(expert)
    listing = c.get(f"{API}/gradient/applications").json()
    assert [i["id"] for i in listing["items"]] == [mine.pk]
    assert listing["items"][0]["recommend_by"] == "2023-07-05"
    assert c.get(f"{API}/gradient/applications/{theirs.pk}").status_code == 404
    detail = c.get(f"{API}/gradient/applications/{mine.pk}").json()
    assert detail["status"] == "expert_review"


def test_certifications_are_public():
    cert = GradientCertificationFactory()
    items = client().get(f"{API}/gradient/certifications?program=gazelle").json()["items"]
    assert [(i["id"], i["valid_to"]) for i in items] == [(cert.pk, "2026-08-31")]
    assert client().get(f"{API}/gradient/certifications?program=unicorn").json()["count"] == 0
