"""The challenge-list workflow: each transition, who may take it, and its event row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.market.challenges import selectors, services
from kechuang.market.models import (
    Challenge,
    ChallengeBid,
    ChallengeDemand,
    ChallengeEvent,
    ChallengeListBatch,
    PlanProject,
)
from kechuang.market.projects import services as project_services
from tests.factories import (
    ChallengeBidFactory,
    ChallengeCallFactory,
    ChallengeFactory,
    ChallengeListBatchFactory,
    EnterpriseFactory,
    InstitutionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date
DURING, AFTER = D(2023, 5, 1), D(2023, 6, 5)  # around the factory deadline 2023-05-31


def user_of(org, role="enterprise"):
    return UserFactory(role=role, organization_id=org.pk)


@pytest.fixture
def issuer(enterprise):
    return enterprise


@pytest.fixture
def issuer_user(enterprise_user):
    return enterprise_user


@pytest.fixture
def university(db):
    return InstitutionFactory(name="大连测试理工大学", city_id="210200", region_id="210202")


@pytest.fixture
def bank_user(bank):
    return UserFactory(role="bank", organization_id=bank.pk)


@pytest.fixture
def service_user(service_institution):
    return UserFactory(role="service", organization_id=service_institution.pk)


def kinds(**about) -> list[str]:
    return list(ChallengeEvent.objects.filter(**about).values_list("kind", flat=True))


# --- demand collection and the list --------------------------------------------------------


def test_only_the_province_opens_a_call(province_admin, city_admin, issuer_user):
    data = {
        "title": "2023年揭榜挂帅需求征集",
        "theme": "新材料、精细化工",
        "opens_on": D(2023, 1, 1),
        "closes_on": D(2023, 2, 28),
    }
    for who in (city_admin, issuer_user):
        with pytest.raises(PermissionDenied):
            services.call_create(actor=who, data=data)
    call = services.call_create(actor=province_admin, data=data)
    [e] = ChallengeEvent.objects.filter(call=call)
    assert (e.kind, e.actor) == ("call_opened", province_admin)


def test_demands_are_proposed_while_the_call_is_open(issuer, issuer_user, city_admin, dalian_admin):
    call = ChallengeCallFactory()
    data = {"title": "高纯镁材料", "need": "提纯工艺", "field_id": "05"}
    demand = services.challenge_demand_propose(
        actor=issuer_user, call=call, enterprise=issuer, data=data, on=D(2023, 2, 28)
    )
    assert demand.status == ChallengeDemand.Status.SUBMITTED
    assert kinds(demand=demand) == ["demand_proposed"]
    # The city bureau may propose for an enterprise of its city; another city may not.
    services.challenge_demand_propose(
        actor=city_admin, call=call, enterprise=issuer, data=data, on=D(2023, 1, 1)
    )
    with pytest.raises(PermissionDenied):
        services.challenge_demand_propose(
            actor=dalian_admin, call=call, enterprise=issuer, data=data, on=D(2023, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        other = user_of(EnterpriseFactory())
        services.challenge_demand_propose(
            actor=other, call=call, enterprise=issuer, data=data, on=D(2023, 1, 1)
        )
    with pytest.raises(ValidationError) as exc:
        services.challenge_demand_propose(
            actor=issuer_user, call=call, enterprise=issuer, data=data, on=D(2023, 3, 1)
        )
    assert exc.value.code == "call_closed"


def test_declining_a_demand_needs_the_province_and_a_reason(issuer, province_admin, city_admin):
    call = ChallengeCallFactory()
    demand = ChallengeDemand.objects.create(
        call=call, enterprise=issuer, title="x", need="y", field_id="05"
    )
    with pytest.raises(PermissionDenied):
        services.challenge_demand_decline(actor=city_admin, demand=demand, reason="重复")
    with pytest.raises(ValidationError):
        services.challenge_demand_decline(actor=province_admin, demand=demand, reason=" ")
    services.challenge_demand_decline(
        actor=province_admin, demand=demand, reason="不属于技术攻关类"
    )
    demand.refresh_from_db()
    assert demand.status == ChallengeDemand.Status.DECLINED
    [e] = ChallengeEvent.objects.filter(demand=demand, kind="demand_declined")
    assert e.reason == "不属于技术攻关类"


def test_the_province_refines_demands_into_a_list_and_publishes_it(
    issuer, province_admin, city_admin
):
    call = ChallengeCallFactory()
    demand = ChallengeDemand.objects.create(
        call=call, enterprise=issuer, title="高纯镁", need="提纯", targets="99.99%", field_id="05"
    )
    with pytest.raises(PermissionDenied):
        services.batch_create(actor=city_admin, data={"title": "第一批"})
    batch = services.batch_create(actor=province_admin, data={"title": "第一批", "call": call})
    with pytest.raises(ValidationError) as exc:
        services.batch_publish(actor=province_admin, batch=batch, on=D(2023, 3, 15))
    assert exc.value.code == "empty_batch"
    item = services.challenge_create(
        actor=province_admin,
        batch=batch,
        demand=demand,
        data={"budget_cap": Decimal("8000000.00"), "deadline": D(2023, 5, 31)},
    )
    assert (item.issuer, item.title, item.targets) == (issuer, "高纯镁", "99.99%")
    demand.refresh_from_db()
    assert demand.status == ChallengeDemand.Status.ADOPTED
    # Nobody outside the province sees a list being drawn up.
    assert not selectors.challenge_list(user=AnonymousUser()).exists()
    with pytest.raises(PermissionDenied):
        services.batch_publish(actor=city_admin, batch=batch, on=D(2023, 3, 15))
    with pytest.raises(ValidationError) as exc:
        services.batch_publish(actor=province_admin, batch=batch, on=D(2023, 6, 1))
    assert exc.value.code == "deadline_passed"
    services.batch_publish(actor=province_admin, batch=batch, on=D(2023, 3, 15))
    batch.refresh_from_db()
    item.refresh_from_db()
    assert batch.status == "published" and batch.published_on == D(2023, 3, 15)
    assert item.status == Challenge.Status.OPEN
    assert kinds(batch=batch) == ["batch_created", "challenge_added", "batch_published"]
    with pytest.raises(ValidationError):  # a published list takes no more items
        services.challenge_create(
            actor=province_admin,
            batch=batch,
            data={
                "issuer": issuer,
                "title": "追加",
                "need": "n",
                "targets": "t",
                "field_id": "05",
                "budget_cap": Decimal("1.00"),
                "deadline": D(2023, 5, 31),
            },
        )


def test_the_public_sees_only_published_lists(issuer):
    published = ChallengeFactory(issuer=issuer)
    draft_batch = ChallengeListBatchFactory(status="draft", published_on=None)
    draft = ChallengeFactory(batch=draft_batch, status="draft")
    closed = ChallengeFactory(batch=ChallengeListBatchFactory(status="closed"))
    anonymous = AnonymousUser()
    assert set(selectors.challenge_list(user=anonymous)) == {published, closed}
    assert set(selectors.batch_list(user=anonymous)) == {published.batch, closed.batch}
    assert not selectors.bid_list(user=anonymous).exists()
    # The issuer of the draft item sees it; the province sees everything.
    assert draft in selectors.challenge_list(user=user_of(draft.issuer))
    assert draft_batch not in selectors.batch_list(user=user_of(draft.issuer))


# --- bids ----------------------------------------------------------------------------------


def test_who_may_bid(
    issuer, university, province_admin, city_admin, service_user, bank_user, dalian_admin
):
    challenge = ChallengeFactory(issuer=issuer)
    data = {"proposal": "方案"}
    for who in (city_admin, dalian_admin, service_user, bank_user, UserFactory(role="expert")):
        with pytest.raises(PermissionDenied):
            services.bid_submit(actor=who, challenge=challenge, data=data, on=DURING)
    mine = services.bid_submit(
        actor=user_of(university, "institution"), challenge=challenge, data=data, on=DURING
    )
    assert (mine.solver_institution, mine.solver_kind) == (university, "university")
    with pytest.raises(ValidationError) as exc:
        services.bid_submit(
            actor=user_of(university, "institution"), challenge=challenge, data=data, on=DURING
        )
    assert exc.value.code == "already_bid"
    with pytest.raises(ValidationError) as exc:
        services.bid_submit(
            actor=user_of(EnterpriseFactory()), challenge=challenge, data=data, on=AFTER
        )
    assert exc.value.code == "not_open"
    with pytest.raises(ValidationError) as exc:
        services.bid_submit(
            actor=user_of(EnterpriseFactory()),
            challenge=challenge,
            data={**data, "price": Decimal("10000000.01")},
            on=DURING,
        )
    assert exc.value.message_dict == {"price": ["报价不能高于榜额上限"]}


def test_bids_are_seen_by_the_issuer_and_each_solver_its_own(issuer, issuer_user, university):
    challenge = ChallengeFactory(issuer=issuer)
    a = ChallengeBidFactory(challenge=challenge, solver_institution=university)
    firm = EnterpriseFactory()
    b = ChallengeBidFactory(
        challenge=challenge,
        solver_institution=None,
        solver_enterprise=firm,
        solver_name=firm.name,
        solver_kind="enterprise",
    )
    elsewhere = ChallengeBidFactory(solver_institution=university)
    assert set(selectors.bid_list(user=issuer_user)) == {a, b}
    assert set(selectors.bid_list(user=user_of(university, "institution"))) == {a, elsewhere}
    assert set(selectors.bids_on(user=user_of(firm), challenge=challenge)) == {b}
    assert not selectors.bid_list(user=user_of(EnterpriseFactory())).exists()


def test_a_solver_withdraws_its_own_bid_while_open(university):
    bid = ChallengeBidFactory(solver_institution=university)
    with pytest.raises(PermissionDenied):
        services.bid_withdraw(actor=user_of(InstitutionFactory(), "institution"), bid=bid)
    services.bid_withdraw(actor=user_of(university, "institution"), bid=bid, reason="团队调整")
    bid.refresh_from_db()
    assert bid.status == ChallengeBid.Status.WITHDRAWN
    assert kinds(bid=bid) == ["bid_withdrawn"]


# --- selection, agreement, plan project, acceptance -----------------------------------------


def test_from_selection_to_acceptance(issuer, issuer_user, university, province_admin, city_admin):
    challenge = ChallengeFactory(issuer=issuer)
    chosen = ChallengeBidFactory(challenge=challenge, solver_institution=university)
    other = ChallengeBidFactory(challenge=challenge)
    solver_user = user_of(university, "institution")

    with pytest.raises(ValidationError) as exc:
        services.bid_select(actor=issuer_user, bid=chosen, on=D(2023, 5, 31))
    assert exc.value.code == "too_early"
    for who in (solver_user, city_admin, user_of(EnterpriseFactory())):
        with pytest.raises(PermissionDenied):
            services.bid_select(actor=who, bid=chosen, on=AFTER)
    services.bid_select(actor=issuer_user, bid=chosen, on=AFTER, reason="方案最优")
    chosen.refresh_from_db()
    other.refresh_from_db()
    challenge.refresh_from_db()
    assert (chosen.status, other.status) == ("selected", "not_selected")
    assert challenge.status == Challenge.Status.SELECTED

    with pytest.raises(PermissionDenied):
        services.agreement_record(
            actor=issuer_user, challenge=challenge, signed_on=D(2023, 6, 20), amount=Decimal(1)
        )
    with pytest.raises(ValidationError):
        services.agreement_record(
            actor=province_admin,
            challenge=challenge,
            signed_on=D(2023, 6, 20),
            amount=Decimal("10000000.01"),
        )
    agreement = services.agreement_record(
        actor=province_admin,
        challenge=challenge,
        signed_on=D(2023, 6, 20),
        amount=Decimal("9500000.00"),
    )
    assert agreement.bid == chosen
    assert selectors.challenge_agreement(user=solver_user, challenge=challenge) == agreement

    with pytest.raises(PermissionDenied):
        project_services.project_apply(actor=solver_user, data={}, challenge=challenge)
    project = project_services.project_apply(
        actor=issuer_user, data={}, challenge=challenge, on=D(2023, 7, 1)
    )
    assert (project.kind, project.lead_enterprise, project.name) == (
        "challenge",
        issuer,
        challenge.title,
    )
    assert project.city_id == issuer.city_id and project.level == "provincial"
    with pytest.raises(ValidationError):
        project_services.project_apply(actor=issuer_user, data={}, challenge=challenge)

    with pytest.raises(PermissionDenied):
        project_services.project_decide(
            actor=city_admin, project=project, approve=True, budget=Decimal(1)
        )
    with pytest.raises(ValidationError):
        project_services.project_decide(actor=province_admin, project=project, approve=True)
    project_services.project_decide(
        actor=province_admin,
        project=project,
        approve=True,
        budget=Decimal("3000000.00"),
        on=D(2023, 8, 1),
    )
    with pytest.raises(PermissionDenied):
        project_services.project_conclude(actor=issuer_user, project=project, passed=True)
    with pytest.raises(ValidationError):  # failing needs the reason
        project_services.project_conclude(actor=province_admin, project=project, passed=False)
    project_services.project_conclude(
        actor=province_admin, project=project, passed=True, on=D(2025, 8, 1)
    )
    project.refresh_from_db()
    assert (project.status, project.approved_on, project.concluded_on) == (
        PlanProject.Status.ACCEPTED,
        D(2023, 8, 1),
        D(2025, 8, 1),
    )
    assert kinds(challenge=challenge) == [
        "bid_selected",
        "agreement_recorded",
        "project_applied",
        "project_approved",
        "project_accepted",
    ]
    selected = ChallengeEvent.objects.get(kind="bid_selected")
    assert (selected.actor, selected.reason, selected.bid) == (issuer_user, "方案最优", chosen)
    assert [e.kind for e in selectors.challenge_events(user=issuer_user, challenge=challenge)][
        :2
    ] == ["bid_selected", "agreement_recorded"]
    assert not selectors.challenge_events(user=AnonymousUser(), challenge=challenge).exists()


def test_a_challenge_without_a_solver_ends_unawarded(issuer, province_admin, issuer_user):
    challenge = ChallengeFactory(issuer=issuer)
    bid = ChallengeBidFactory(challenge=challenge)
    with pytest.raises(PermissionDenied):
        services.challenge_unawarded(actor=issuer_user, challenge=challenge, reason="x", on=AFTER)
    with pytest.raises(ValidationError):
        services.challenge_unawarded(
            actor=province_admin, challenge=challenge, reason="无合适方案", on=DURING
        )
    services.challenge_unawarded(
        actor=province_admin, challenge=challenge, reason="无合适方案", on=AFTER
    )
    challenge.refresh_from_db()
    bid.refresh_from_db()
    assert (challenge.status, bid.status) == ("unawarded", "not_selected")
    assert kinds(challenge=challenge) == ["challenge_unawarded"]


def test_plan_projects_of_labs_and_consortia(province_admin, university):
    from tests.factories import PlatformFactory

    lab = PlatformFactory(
        name="辽宁材料实验室",
        kind="provincial_lab",
        level="provincial",
        host_institution=university,
    )
    with pytest.raises(ValidationError):
        project_services.project_apply(
            actor=province_admin,
            data={"name": "x", "kind": "lab_major", "platform": PlatformFactory()},
        )
    project = project_services.project_apply(
        actor=province_admin,
        data={"name": "高温合金重大科研项目", "kind": "lab_major", "platform": lab},
    )
    assert (project.lead_institution, project.city_id) == (university, "210200")
    lead = EnterpriseFactory()
    with pytest.raises(PermissionDenied):
        project_services.project_apply(
            actor=user_of(EnterpriseFactory()),
            data={"name": "联合体", "kind": "consortium", "lead_enterprise": lead},
        )
    mine = project_services.project_apply(
        actor=user_of(lead),
        data={"name": "联合体专项", "kind": "consortium", "lead_enterprise": lead},
    )
    assert mine.status == "applied" and kinds(project=mine) == ["project_applied"]
    with pytest.raises(ValidationError):  # only a signed challenge is applied for as such
        project_services.project_apply(
            actor=province_admin, data={"name": "x", "kind": "challenge"}, challenge=None
        )


def test_event_kinds_are_checked_in_code(province_admin):
    with pytest.raises(ValueError, match="unknown ChallengeEvent kind"):
        ChallengeEvent.emit("bid_sumbitted", actor=province_admin)
    assert not ChallengeEvent.objects.exists()


def test_a_batch_can_be_closed_once_published(province_admin):
    batch = ChallengeListBatchFactory()
    services.batch_close(actor=province_admin, batch=batch, reason="本批结束")
    batch.refresh_from_db()
    assert batch.status == ChallengeListBatch.Status.CLOSED
    with pytest.raises(ValidationError):
        services.batch_close(actor=province_admin, batch=batch)
