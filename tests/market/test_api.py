"""The market API: scope, shapes, statistics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.market.models import Achievement
from tests.factories import (
    AchievementFactory,
    EnterpriseFactory,
    TechContractFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/market"


def test_contracts_need_a_login(client):
    assert client.get(f"{API}/contracts").status_code == 401


def test_enterprise_lists_its_own_contracts(client, enterprise, enterprise_user):
    mine = TechContractFactory(seller_enterprise=enterprise, turnover=Decimal("12.50"))
    other = TechContractFactory(seller_enterprise=EnterpriseFactory())
    client.force_login(enterprise_user)
    body = client.get(f"{API}/contracts").json()
    assert [c["id"] for c in body["items"]] == [mine.pk]
    assert body["items"][0]["turnover"] == "12.50"
    assert client.get(f"{API}/contracts/{other.pk}").status_code == 404
    detail = client.get(f"{API}/contracts/{mine.pk}").json()
    assert detail["tax"]["vat_exempt"] is True and detail["events"] == []


def test_stats_endpoint(client, province_admin):
    TechContractFactory(registered_on=dt.date(2023, 3, 1), turnover=Decimal("300.00"))
    TechContractFactory(registered_on=dt.date(2022, 3, 1), turnover=Decimal("200.00"))
    client.force_login(province_admin)
    rows = client.get(
        f"{API}/contracts/stats", {"start": "2023-01-01", "end": "2023-06-30", "by": "type"}
    ).json()
    assert rows == [
        {
            "type": "development",
            "field": None,
            "seller_kind": None,
            "city": None,
            "count": 1,
            "turnover": "300.00",
            "tech_value": "300.00",
            "avg_tech_value": "300.00",
            "prior_count": 1,
            "prior_turnover": "200.00",
            "prior_tech_value": "200.00",
            "yoy_count": 0.0,
            "yoy_turnover": 0.5,
            "yoy_tech_value": 0.5,
        }
    ]


def test_public_catalogue_anonymously(client, institution):
    shown = AchievementFactory(institution=institution)
    AchievementFactory(institution=institution, status=Achievement.Status.DRAFT)
    body = client.get(f"{API}/achievements").json()
    assert [a["id"] for a in body["items"]] == [shown.pk]
    assert client.get(f"{API}/demands").status_code == 200
    assert client.get(f"{API}/transfers").status_code == 401


@pytest.mark.django_db
def test_stats_refuse_periods_without_a_prior_year(client):
    client.force_login(UserFactory(username="stats-province", role="province_admin"))
    for query in ("start=0001-01-01&end=2000-01-01", "start=2023-06-30&end=2023-01-01"):
        assert client.get(f"/api/v1/market/contracts/stats?{query}").status_code == 422
    ok = client.get("/api/v1/market/contracts/stats?start=2023-01-01&end=2023-06-30")
    assert ok.status_code == 200
