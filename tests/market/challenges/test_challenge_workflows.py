"""The challenge and plan-project workflows as the official process reads: for each step,
who may take it and who may not, from which state, whether it needs a reason, the event it
records, and that a page shows its button exactly when the workflow opens it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kechuang.market.challenges import services
from kechuang.market.challenges.workflow import BATCH, BID, CHALLENGE, DEMAND
from kechuang.market.models import ChallengeEvent
from kechuang.market.projects import services as project_services
from kechuang.market.projects.workflow import PROJECT
from tests.factories import (
    ChallengeBidFactory,
    ChallengeDemandFactory,
    ChallengeFactory,
    ChallengeListBatchFactory,
    EnterpriseFactory,
    InstitutionFactory,
    PlanProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
AFTER = dt.date(2023, 6, 5)  # after the factory deadline 2023-05-31; today is later still


def user_of(org, role="enterprise"):
    return UserFactory(role=role, organization_id=org.pk)


def kinds(**about) -> list[str]:
    return list(ChallengeEvent.objects.filter(**about).values_list("kind", flat=True))


def test_every_irreversible_step_asks_for_confirmation():
    for wf, names in (
        (DEMAND, ["decline"]),
        (BATCH, ["publish", "close"]),
        (CHALLENGE, ["apply_project", "unawarded", "close_review"]),
        (BID, ["select", "withdraw"]),
        (PROJECT, ["approve", "reject", "accept", "fail"]),
    ):
        for name in names:
            assert wf[name].confirm, f"{wf.name}.{name}"
    # Refusals that end something say why.
    assert [t.name for t in CHALLENGE.transitions.values() if t.reason] == [
        "close_review",
        "unawarded",
    ]
    assert "stateDiagram-v2" in CHALLENGE.mermaid() and "unawarded" in CHALLENGE.mermaid()


# --- 1. demands: the province declines with a reason -----------------------------------------


def test_declining_a_demand(province_admin, city_admin):
    demand = ChallengeDemandFactory()
    keeper = user_of(demand.enterprise)
    assert DEMAND.may(province_admin, demand, "decline")
    assert not DEMAND.may(city_admin, demand, "decline")
    assert not DEMAND.may(keeper, demand, "decline") and DEMAND.may(keeper, demand, "edit")
    with pytest.raises(ValidationError) as exc:
        services.challenge_demand_decline(actor=province_admin, demand=demand, reason="")
    assert "reason" in exc.value.message_dict
    services.challenge_demand_decline(actor=province_admin, demand=demand, reason="重复")
    assert kinds(demand=demand) == ["demand_declined"]
    demand.refresh_from_db()
    assert DEMAND.available(province_admin, demand) == []
    with pytest.raises(ValidationError) as exc:
        services.challenge_demand_decline(actor=province_admin, demand=demand, reason="再次")
    assert exc.value.code == "bad_status"


def test_the_demand_list_shows_decline_to_the_province_only(client, province_admin):
    demand = ChallengeDemandFactory()
    url = reverse("market:challenge_demand_decline", args=[demand.pk])
    client.force_login(province_admin)
    page = client.get(reverse("market:challenge_demand_list")).content.decode()
    assert url in page and "data-confirm" in page
    client.force_login(user_of(demand.enterprise))
    assert url not in client.get(reverse("market:challenge_demand_list")).content.decode()


# --- 2. the list: published by the province, once it has items ------------------------------


def test_publishing_a_list(client, province_admin, city_admin):
    batch = ChallengeListBatchFactory(status="draft", published_on=None)
    publish = reverse("market:batch_publish", args=[batch.pk])
    detail = reverse("market:batch_detail", args=[batch.pk])
    client.force_login(province_admin)
    assert publish not in client.get(detail).content.decode()  # an empty list is not published
    ChallengeFactory(batch=batch, status="draft", deadline=dt.date(2099, 1, 1))
    page = client.get(detail).content.decode()
    assert publish in page and "data-confirm" in page
    assert not BATCH.may(city_admin, batch, "publish")
    with pytest.raises(PermissionDenied):
        services.batch_publish(actor=city_admin, batch=batch)
    assert client.post(publish).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "published" and kinds(batch=batch) == ["batch_published"]
    assert publish not in client.get(detail).content.decode()
    assert [a["name"] for a in BATCH.actions(province_admin, batch)] == ["close"]


# --- 3–4. bids, review and selection --------------------------------------------------------


def test_withdrawing_a_bid_while_open(client, province_admin):
    university = InstitutionFactory()
    solver = user_of(university, "institution")
    bid = ChallengeBidFactory(solver_institution=university)
    url = reverse("market:bid_withdraw", args=[bid.pk])
    client.force_login(solver)
    assert url in client.get(reverse("market:bid_list")).content.decode()
    assert not BID.may(user_of(bid.challenge.issuer), bid, "withdraw")
    bid.challenge.status = "selected"
    bid.challenge.save()
    assert url not in client.get(reverse("market:bid_list")).content.decode()
    with pytest.raises(ValidationError):
        services.bid_withdraw(actor=solver, bid=bid)


def test_the_challenge_page_offers_what_the_workflow_opens(client, province_admin, city_admin):
    c = ChallengeFactory()
    bid = ChallengeBidFactory(challenge=c)
    issuer = user_of(c.issuer)
    detail = reverse("market:challenge_detail", args=[c.pk])
    select = reverse("market:bid_select", args=[c.pk])
    unawarded = reverse("market:challenge_unawarded", args=[c.pk])
    # Bidding has closed: the issuer may select, the province may also end it unawarded.
    client.force_login(issuer)
    page = client.get(detail).content.decode()
    assert select in page and unawarded not in page
    assert reverse("market:bid_create", args=[c.pk]) not in page
    client.force_login(province_admin)
    page = client.get(detail).content.decode()
    assert unawarded in page and 'id="assign-form"' in page
    assert {a["name"] for a in CHALLENGE.actions(city_admin, c)} == set()
    # Selection records one event and closes the other actions.
    services.bid_select(actor=issuer, bid=bid, on=AFTER, reason="方案最优")
    assert kinds(challenge=c) == ["bid_selected"]
    c.refresh_from_db()
    assert [a["name"] for a in CHALLENGE.actions(province_admin, c)] == [
        "record_agreement",
        "unawarded",
    ]
    page = client.get(detail).content.decode()
    assert select not in page and 'id="province-actions"' in page


def test_unawarded_needs_a_reason_and_the_province(province_admin):
    c = ChallengeFactory()
    with pytest.raises(PermissionDenied):
        services.challenge_unawarded(actor=user_of(c.issuer), challenge=c, reason="x", on=AFTER)
    with pytest.raises(ValidationError) as exc:
        services.challenge_unawarded(actor=province_admin, challenge=c, reason=" ", on=AFTER)
    assert "reason" in exc.value.message_dict
    services.challenge_unawarded(actor=province_admin, challenge=c, reason="无人揭榜", on=AFTER)
    [e] = ChallengeEvent.objects.filter(challenge=c)
    assert (e.kind, e.reason, e.actor) == ("challenge_unawarded", "无人揭榜", province_admin)


def test_bidding_is_offered_to_solvers_while_open_only(province_admin):
    open_ = ChallengeFactory(deadline=dt.date(2099, 1, 1))
    firm = user_of(EnterpriseFactory())
    assert CHALLENGE.may(firm, open_, "bid")
    assert not CHALLENGE.may(user_of(open_.issuer), open_, "bid")  # not the issuer
    assert not CHALLENGE.may(UserFactory(role="bank"), open_, "bid")
    assert not CHALLENGE.may(firm, ChallengeFactory(), "bid")  # past the deadline


# --- 5. agreement and the plan project ------------------------------------------------------


def test_applying_for_the_plan_project_once(client, province_admin):
    c = ChallengeFactory(status="signed")
    issuer = user_of(c.issuer)
    url = reverse("market:challenge_apply", args=[c.pk])
    client.force_login(issuer)
    assert url in client.get(reverse("market:challenge_detail", args=[c.pk])).content.decode()
    assert not CHALLENGE.may(user_of(EnterpriseFactory()), c, "apply_project")
    project = project_services.project_apply(actor=issuer, data={}, challenge=c)
    assert kinds(challenge=c) == ["project_applied"]
    assert ChallengeEvent.objects.get(kind="project_applied").project == project
    c.refresh_from_db()
    assert not CHALLENGE.may(issuer, c, "apply_project")
    with pytest.raises(ValidationError) as exc:
        project_services.project_apply(actor=issuer, data={}, challenge=c)
    assert exc.value.code == "already_applied"


def test_deciding_and_accepting_a_plan_project(client, province_admin, city_admin):
    project = PlanProjectFactory(status="applied", approved_on=None, budget=None)
    detail = reverse("market:project_detail", args=[project.pk])
    client.force_login(city_admin)
    assert 'id="decide"' not in client.get(detail).content.decode()
    client.force_login(province_admin)
    assert 'id="decide"' in client.get(detail).content.decode()
    with pytest.raises(PermissionDenied):
        project_services.project_decide(
            actor=city_admin, project=project, approve=False, reason="x"
        )
    with pytest.raises(ValidationError) as exc:
        project_services.project_decide(actor=province_admin, project=project, approve=False)
    assert "reason" in exc.value.message_dict
    project_services.project_decide(
        actor=province_admin, project=project, approve=True, budget=Decimal("1.00"), on=AFTER
    )
    project.refresh_from_db()
    assert (project.status, project.approved_on) == ("approved", AFTER)
    page = client.get(detail).content.decode()
    assert 'id="decide"' not in page and 'id="conclude"' in page
    with pytest.raises(ValidationError) as exc:
        project_services.project_decide(actor=province_admin, project=project, approve=True)
    assert exc.value.code == "bad_status"
    project_services.project_conclude(
        actor=province_admin, project=project, passed=False, reason="未达标"
    )
    assert kinds(project=project) == ["project_approved", "project_failed"]
    project.refresh_from_db()
    assert PROJECT.available(province_admin, project) == []


def test_the_api_lists_the_actions_of_a_record(client, province_admin):
    c = ChallengeFactory()
    client.force_login(province_admin)
    body = client.get(f"/api/v1/market/challenges/{c.pk}").json()
    assert [a["name"] for a in body["actions"]] == ["assign_review", "unawarded"]
    assert body["actions"][1]["reason_required"] and body["actions"][1]["confirm"]
    client.force_login(user_of(c.issuer))
    assert client.get(f"/api/v1/market/challenges/{c.pk}").json()["actions"] == []
