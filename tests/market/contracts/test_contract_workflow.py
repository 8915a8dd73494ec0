"""The registration workflow as the rules state it: who takes each step, from which state,
with which reason, and what it records — and the page offers exactly those steps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kechuang.market.contracts import services
from kechuang.market.contracts.workflow import CONTRACT
from kechuang.market.models import ContractEvent, TechContract
from tests.factories import InstitutionFactory, UserFactory
from tests.market.contracts.test_registration import contract_data

pytestmark = pytest.mark.django_db
S = TechContract.Status
D = dt.date


@pytest.fixture
def submitted(enterprise_user, enterprise):
    return services.contract_submit(actor=enterprise_user, data=contract_data(enterprise))


@pytest.fixture
def accepted(submitted, city_admin):
    return services.contract_accept(actor=city_admin, contract=submitted, on=D(2023, 11, 1))


@pytest.fixture
def registered(accepted, city_admin):
    return services.contract_decide(
        actor=city_admin, contract=accepted, register=True, on=D(2023, 11, 2)
    )


def names(user, contract):
    return [t.name for t in CONTRACT.available(user, contract)]


def kinds(contract):
    return list(ContractEvent.objects.filter(contract=contract).values_list("kind", flat=True))


def test_who_may_do_what_on_a_submitted_contract(
    submitted, city_admin, province_admin, dalian_admin, enterprise_user
):
    assert names(city_admin, submitted) == ["accept", "cancel"]
    assert names(province_admin, submitted) == ["accept", "cancel"]
    assert names(enterprise_user, submitted) == ["withdraw"]
    assert names(dalian_admin, submitted) == []
    buyer_side = UserFactory(role="institution", organization_id=InstitutionFactory().pk)
    assert names(buyer_side, submitted) == []


def test_who_may_do_what_later(accepted, city_admin, enterprise_user):
    assert names(city_admin, accepted) == ["register", "refuse", "cancel"]
    assert names(enterprise_user, accepted) == []
    registered = services.contract_decide(actor=city_admin, contract=accepted, register=True)
    assert names(city_admin, registered) == ["amend", "cancel"]
    cancelled = services.contract_cancel(actor=city_admin, contract=registered, reason="终止")
    assert names(city_admin, cancelled) == []


def test_acceptance_by_the_office_of_the_city_only(submitted, dalian_admin, city_admin):
    with pytest.raises(PermissionDenied):
        services.contract_accept(actor=dalian_admin, contract=submitted)
    c = services.contract_accept(actor=city_admin, contract=submitted, on=D(2023, 11, 1))
    assert (c.status, c.accepted_on, c.decision_due) == (
        S.ACCEPTED,
        D(2023, 11, 1),
        D(2023, 11, 22),
    )
    assert ContractEvent.objects.get(contract=c, kind="accepted").data == {"due": "2023-11-22"}
    with pytest.raises(ValidationError) as e:
        services.contract_accept(actor=city_admin, contract=c)
    assert e.value.code == "bad_status"


def test_referral_to_experts_only_when_the_rules_require_it(accepted, city_admin):
    with pytest.raises(ValidationError, match="专家审查的条件"):
        CONTRACT.perform("refer", actor=city_admin, obj=accepted)
    assert "refer" not in names(city_admin, accepted)


def test_registration_needs_acceptance_and_allocates_the_number(
    submitted, city_admin, enterprise_user
):
    with pytest.raises(ValidationError) as e:
        services.contract_decide(actor=city_admin, contract=submitted, register=True)
    assert e.value.code == "bad_status"
    c = services.contract_accept(actor=city_admin, contract=submitted, on=D(2023, 11, 1))
    with pytest.raises(PermissionDenied):
        services.contract_decide(actor=enterprise_user, contract=c, register=True)
    c = services.contract_decide(actor=city_admin, contract=c, register=True, on=D(2023, 11, 2))
    assert (c.status, c.number, c.registered_on) == (S.REGISTERED, "23210101000001", D(2023, 11, 2))
    assert kinds(c) == ["submitted", "accepted", "registered"]
    assert CONTRACT["register"].confirm  # irreversible: the page asks first


def test_refusal_on_a_ground_of_the_rules(accepted, city_admin, dalian_admin):
    with pytest.raises(PermissionDenied):
        services.contract_decide(
            actor=dalian_admin, contract=accepted, register=False, ground="seal_mismatch"
        )
    with pytest.raises(ValidationError) as e:
        services.contract_decide(actor=city_admin, contract=accepted, register=False)
    assert "ground" in e.value.message_dict
    c = services.contract_decide(
        actor=city_admin, contract=accepted, register=False, ground="unclear_price", reason="无价款"
    )
    event = ContractEvent.objects.get(contract=c, kind="refused")
    assert (c.status, event.ground, event.reason, event.actor) == (
        S.REFUSED,
        "unclear_price",
        "无价款",
        city_admin,
    )


def test_amendment_of_a_registered_contract_only(accepted, registered, city_admin, enterprise_user):
    with pytest.raises(PermissionDenied):
        services.contract_amend(actor=enterprise_user, contract=registered, data={"title": "x"})
    c = services.contract_amend(
        actor=city_admin, contract=registered, data={"title": "新名称"}, reason="更名"
    )
    assert (c.status, c.title) == (S.REGISTERED, "新名称")
    amended = ContractEvent.objects.get(contract=c, kind="amended")
    assert amended.data["changes"]["title"][1] == "新名称" and amended.reason == "更名"


def test_amendment_before_registration_is_refused(accepted, city_admin):
    with pytest.raises(ValidationError) as e:
        services.contract_amend(actor=city_admin, contract=accepted, data={"title": "x"})
    assert e.value.code == "bad_status"


def test_withdrawal_by_the_seller_needs_a_reason_and_a_pending_file(
    submitted, enterprise_user, city_admin
):
    with pytest.raises(ValidationError) as e:
        services.contract_cancel(actor=enterprise_user, contract=submitted, reason=" ")
    assert "reason" in e.value.message_dict
    accepted = services.contract_accept(actor=city_admin, contract=submitted)
    with pytest.raises(PermissionDenied):  # once accepted, only the office may cancel it
        services.contract_cancel(actor=enterprise_user, contract=accepted, reason="撤回")


def test_cancellation_by_the_office_needs_a_reason(registered, city_admin):
    with pytest.raises(ValidationError):
        services.contract_cancel(actor=city_admin, contract=registered, reason="")
    c = services.contract_cancel(actor=city_admin, contract=registered, reason="双方协议终止")
    assert c.status == S.CANCELLED and c.number
    assert ContractEvent.objects.filter(contract=c).last().reason == "双方协议终止"
    with pytest.raises(ValidationError) as e:
        services.contract_cancel(actor=city_admin, contract=c, reason="again")
    assert e.value.code == "bad_status"


def test_the_page_offers_what_the_workflow_allows(client, submitted, city_admin, enterprise_user):
    url = reverse("market:contract_detail", args=[submitted.pk])
    client.force_login(enterprise_user)
    page = client.get(url).content.decode()
    assert reverse("market:contract_cancel", args=[submitted.pk]) in page
    assert "data-confirm" in page and 'id="accept"' not in page

    client.force_login(city_admin)
    page = client.get(url).content.decode()
    assert 'id="accept"' in page and 'id="register"' not in page
    client.post(reverse("market:contract_accept", args=[submitted.pk]), {})
    page = client.get(url).content.decode()
    assert 'id="accept"' not in page
    assert 'id="register"' in page and 'id="refuse"' in page
    assert str(CONTRACT["register"].confirm) in page

    client.force_login(enterprise_user)
    page = client.get(url).content.decode()
    assert 'id="review"' not in page  # nothing left for the seller to do


def test_a_refused_step_from_the_page_is_a_message_not_a_change(client, accepted, city_admin):
    client.force_login(city_admin)
    response = client.post(
        reverse("market:contract_decide", args=[accepted.pk]), {"decision": "refuse"}, follow=True
    )
    assert "请选择不予登记的理由" in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED


def test_the_api_lists_the_actions_open_to_the_caller(
    client, accepted, city_admin, enterprise_user
):
    url = f"/api/v1/market/contracts/{accepted.pk}"
    client.force_login(city_admin)
    actions = client.get(url).json()["actions"]
    assert [a["name"] for a in actions] == ["register", "refuse", "cancel"]
    assert actions[0]["confirm"] and not actions[0]["reason_required"]
    client.force_login(enterprise_user)
    assert client.get(url).json()["actions"] == []


def test_the_diagram_is_drawn_from_the_declaration():
    text = CONTRACT.mermaid()
    assert "accepted --> expert_review: 转专家审查 [registrar]" in text
    assert "submitted --> cancelled: 撤回 [submitting party] *理由" in text
