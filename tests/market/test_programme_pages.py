"""Pages and API of challenge lists, events and training, as each kind of user sees them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kechuang.market.models import (
    Affiliation,
    ChallengeBid,
    ChallengeEvent,
    EventOutcome,
    MatchmakingActivity,
    PlanProject,
)
from tests.factories import (
    ChallengeBidFactory,
    ChallengeFactory,
    ChallengeListBatchFactory,
    EnterpriseFactory,
    InstitutionFactory,
    TechContractFactory,
    TrainingSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/market"


def user_of(org, role="enterprise"):
    return UserFactory(role=role, organization_id=org.pk)


@pytest.fixture
def open_challenge(enterprise):
    return ChallengeFactory(
        issuer=enterprise,
        title="氢燃料电池双极板攻关",
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )


@pytest.fixture
def draft_challenge():
    batch = ChallengeListBatchFactory(title="编制中的第九批", status="draft", published_on=None)
    return ChallengeFactory(batch=batch, title="尚未发布的项目", status="draft")


def test_the_market_is_in_the_top_bar_and_its_front_page_is_public(client):
    home = client.get("/").content.decode()
    assert 'href="/market/"' in home and "技术市场" in home
    page = client.get(reverse("market:index")).content.decode()
    assert reverse("market:challenge_list") in page
    assert reverse("market:event_list") not in page  # work pages for logged-in users


def test_the_public_sees_published_challenges_only(client, open_challenge, draft_challenge):
    page = client.get(reverse("market:challenge_list")).content.decode()
    assert open_challenge.title in page and draft_challenge.title not in page
    assert "编制中的第九批" not in client.get(reverse("market:batch_list")).content.decode()
    detail = client.get(reverse("market:challenge_detail", args=[open_challenge.pk]))
    assert detail.status_code == 200 and 'id="bids"' not in detail.content.decode()
    assert (
        client.get(reverse("market:challenge_detail", args=[draft_challenge.pk])).status_code == 404
    )
    body = client.get(f"{API}/challenges").json()
    assert [c["id"] for c in body["items"]] == [open_challenge.pk]
    assert client.get(f"{API}/challenges/{draft_challenge.pk}").status_code == 404
    assert client.get(f"{API}/challenges/{open_challenge.pk}").json()["events"] == []


def test_issuer_sees_every_bid_and_a_solver_its_own(client, open_challenge, enterprise_user):
    mine = InstitutionFactory(name="东北测试材料研究所", kind="institute")
    theirs = InstitutionFactory(name="辽宁测试工业大学")
    ChallengeBidFactory(challenge=open_challenge, solver_institution=mine, solver_name=mine.name)
    ChallengeBidFactory(
        challenge=open_challenge, solver_institution=theirs, solver_name=theirs.name
    )
    url = reverse("market:challenge_detail", args=[open_challenge.pk])
    client.force_login(enterprise_user)
    page = client.get(url).content.decode()
    assert mine.name in page and theirs.name in page and "选定" in page
    client.force_login(user_of(mine, "institution"))
    page = client.get(url).content.decode()
    assert mine.name in page and theirs.name not in page and "选定" not in page
    listing = client.get(reverse("market:bid_list")).content.decode()
    assert f"{mine.name} · {open_challenge.title}" in listing and theirs.name not in listing


def test_a_bid_of_an_affiliate_is_refused_with_its_reason(client, open_challenge, enterprise):
    sister = EnterpriseFactory(name="同控股测试公司")
    Affiliation.objects.create(
        kind="shared_controller",
        first_uscc=enterprise.uscc,
        first_name=enterprise.name,
        second_uscc=sister.uscc,
        second_name=sister.name,
    )
    client.force_login(user_of(sister))
    url = reverse("market:bid_create", args=[open_challenge.pk])
    page = client.post(url, {"proposal": "方案"}).content.decode()
    assert "揭榜方与发榜企业存在关联关系:同一控制人" in page
    assert not ChallengeBid.objects.exists()
    # Through the API the same refusal is a 422 with the reason and its code.
    response = client.post(
        f"{API}/bids",
        {"challenge_id": open_challenge.pk, "proposal": "方案"},
        content_type="application/json",
    )
    assert response.status_code == 422
    [item] = response.json()["detail"]
    assert item["type"] == "solver_affiliated" and "同一控制人" in item["msg"]


def test_bidding_through_the_page_and_the_api(client, open_challenge, province_admin):
    solver = InstitutionFactory()
    client.force_login(user_of(solver, "institution"))
    url = reverse("market:bid_create", args=[open_challenge.pk])
    response = client.post(url, {"proposal": "复合材料双极板", "price": "3000000"})
    assert response.status_code == 302
    bid = ChallengeBid.objects.get()
    assert (bid.solver_institution, bid.price) == (solver, Decimal("3000000.00"))
    client.force_login(province_admin)
    response = client.post(
        f"{API}/bids",
        {
            "challenge_id": open_challenge.pk,
            "proposal": "Bipolar plates",
            "solver_name": "Hydrogen Labs Oy",
            "solver_kind": "enterprise",
            "solver_country": "fi",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["solver_country"] == "FI"
    client.force_login(UserFactory(role="city_admin", city_id="210100"))
    response = client.post(
        f"{API}/bids",
        {"challenge_id": open_challenge.pk, "proposal": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_province_drives_a_challenge_to_a_project_through_the_pages(
    client, enterprise, enterprise_user, province_admin
):
    c = ChallengeFactory(issuer=enterprise, deadline=dt.date(2023, 5, 31))
    bid = ChallengeBidFactory(challenge=c)
    client.force_login(enterprise_user)
    client.post(reverse("market:bid_select", args=[c.pk]), {"bid": bid.pk, "reason": "最优"})
    bid.refresh_from_db()
    assert bid.status == "selected"
    client.force_login(province_admin)
    client.post(
        reverse("market:agreement_record", args=[c.pk]),
        {"signed_on": "2023-06-20", "amount": "9000000"},
    )
    client.force_login(enterprise_user)
    response = client.post(reverse("market:challenge_apply", args=[c.pk]))
    project = PlanProject.objects.get()
    assert response["Location"] == reverse("market:project_detail", args=[project.pk])
    client.force_login(province_admin)
    client.post(
        reverse("market:project_decide", args=[project.pk]),
        {"decision": "approve", "budget": "2000000"},
    )
    client.post(
        reverse("market:project_conclude", args=[project.pk]),
        {"result": "failed"},
    )  # refused: failing needs a reason
    project.refresh_from_db()
    assert project.status == "approved"
    client.post(
        reverse("market:project_conclude", args=[project.pk]),
        {"result": "passed"},
    )
    project.refresh_from_db()
    assert project.status == "accepted"
    page = client.get(reverse("market:challenge_detail", args=[c.pk])).content.decode()
    for label in ("选定揭榜方", "签约备案", "申报省级科技计划", "批准立项", "通过验收"):
        assert label in page
    body = client.get(f"{API}/plan-projects/{project.pk}").json()
    assert [e["kind"] for e in body["events"]] == [
        "project_applied",
        "project_approved",
        "project_accepted",
    ]
    assert ChallengeEvent.objects.filter(challenge=c).count() == 5


def test_events_and_their_outcomes_through_the_pages(client, service_institution, enterprise):
    svc_user = user_of(service_institution, "service")
    client.force_login(svc_user)
    response = client.post(
        reverse("market:event_create"),
        {"kind": "roadshow", "title": "新材料成果路演", "held_on": "2023-04-20"},
    )
    event = MatchmakingActivity.objects.get()
    assert response["Location"] == reverse("market:event_detail", args=[event.pk])
    contract = TechContractFactory(seller_enterprise=enterprise, signed_on=dt.date(2023, 4, 25))
    client.post(
        reverse("market:outcome_add", args=[event.pk]),
        {"kind": "contract", "contract_number": contract.number},
    )
    client.post(reverse("market:participant_add", args=[event.pk]), {"uscc": enterprise.uscc})
    outcome = EventOutcome.objects.get()
    assert outcome.contract == contract
    page = client.get(reverse("market:event_detail", args=[event.pk])).content.decode()
    assert contract.number in page and enterprise.name in page
    body = client.get(f"{API}/events/{event.pk}").json()
    assert body["outcomes"][0]["contract_number"] == contract.number
    assert body["participants"][0]["enterprise_id"] == enterprise.pk


def test_events_through_the_api(client, service_institution, enterprise_user):
    client.force_login(user_of(service_institution, "service"))
    response = client.post(
        f"{API}/events",
        {"kind": "bank_enterprise", "title": "银企对接会", "held_on": "2023-05-10"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["organiser_service_id"] == service_institution.pk
    client.force_login(enterprise_user)
    response = client.post(
        f"{API}/events",
        {"kind": "roadshow", "title": "x", "held_on": "2023-05-10"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert client.get(f"{API}/events").json()["count"] == 0


def test_training_page_and_api_count_people(client, province_admin):
    session = TrainingSessionFactory(ends_on=dt.date(2023, 3, 3))
    client.force_login(province_admin)
    for name in ("甲", "乙"):
        client.post(
            reverse("market:attendance_add", args=[session.pk]),
            {"name": name, "employer": "单位", "passed": "on"},
        )
    page = client.get(reverse("market:training_list") + "?year=2023&grain=quarter").content
    assert session.topic in page.decode()
    rows = client.get(f"{API}/training/stats", {"year": 2023, "grain": "half"}).json()
    assert [(r["trained"], r["passed"], r["cumulative"]) for r in rows] == [(2, 2, 2), (0, 0, 2)]
    listing = client.get(f"{API}/training-sessions").json()
    assert listing["items"][0]["attendees"] == 2


def test_the_work_pages_render_for_the_province(client, province_admin, open_challenge):
    client.force_login(province_admin)
    for name in (
        "challenge_call_list",
        "call_create",
        "challenge_demand_list",
        "challenge_demand_create",
        "batch_list",
        "batch_create",
        "bid_list",
        "project_list",
        "project_create",
        "event_list",
        "event_create",
        "broker_list",
        "broker_create",
        "training_list",
        "training_create",
    ):
        assert client.get(reverse(f"market:{name}")).status_code == 200, name
    batch = open_challenge.batch
    assert client.get(reverse("market:batch_detail", args=[batch.pk])).status_code == 200
    assert client.get(reverse("market:bid_create", args=[open_challenge.pk])).status_code == 200
