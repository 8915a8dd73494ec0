"""Tech-SME applications and admissions in the API: scoped reads, filters, timelines."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import (
    AdmissionFactory,
    TechSMEApplicationFactory,
)
from tests.programs.conftest import D

pytestmark = pytest.mark.django_db
API = "/api/v1/programs"


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_enterprise_reads_its_application_with_timeline(submitted, enterprise_user, other_firm):
    c = client(enterprise_user)
    listing = c.get(f"{API}/tech-sme/applications").json()
    assert [i["id"] for i in listing["items"]] == [submitted.pk]
    item = listing["items"][0]
    assert (item["score"], item["status"], item["review_due"]) == (82, "submitted", "2023-10-11")
    detail = c.get(f"{API}/tech-sme/applications/{submitted.pk}").json()
    assert [e["kind"] for e in detail["events"]] == ["self_assessed", "submitted"]
    assert detail["figures"]["values"]["rd_expense"] == "3000000.00"
    assert detail["explanation"]["en"][0] == "Passed with 82 points (pass mark 60)."
    assert detail["admission_number"] is None
    assert (
        client(other_firm[1]).get(f"{API}/tech-sme/applications/{submitted.pk}").status_code == 404
    )


def test_applications_need_a_login_and_respect_the_city(submitted, city_admin, dalian_admin):
    assert client().get(f"{API}/tech-sme/applications").status_code == 401
    assert client(city_admin).get(f"{API}/tech-sme/applications").json()["count"] == 1
    assert client(dalian_admin).get(f"{API}/tech-sme/applications").json()["count"] == 0


def test_application_filters(province_admin):
    a = TechSMEApplicationFactory(year=2023, status="submitted")
    TechSMEApplicationFactory(year=2024, status="draft")
    c = client(province_admin)
    assert [i["id"] for i in c.get(f"{API}/tech-sme/applications?year=2023").json()["items"]] == [
        a.pk
    ]
    drafts = c.get(f"{API}/tech-sme/applications?status=draft").json()
    assert drafts["count"] == 1
    assert c.get(f"{API}/tech-sme/applications?status=nonsense").status_code == 422


def test_admissions_are_public_while_in_force(city_admin):
    kept = AdmissionFactory()
    gone = AdmissionFactory(revoked_on=D(2023, 12, 1))
    public = client().get(f"{API}/tech-sme/admissions").json()
    assert [i["number"] for i in public["items"]] == [kept.number]
    assert client().get(f"{API}/tech-sme/admissions/{gone.pk}").status_code == 404
    both = client(city_admin).get(f"{API}/tech-sme/admissions?limit=100").json()
    assert {i["number"] for i in both["items"]} == {kept.number, gone.number}
    in_force = client(city_admin).get(f"{API}/tech-sme/admissions?in_force=true").json()
    assert [i["number"] for i in in_force["items"]] == [kept.number]
