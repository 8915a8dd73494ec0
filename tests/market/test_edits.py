"""Edit pages of achievements, demands, transfers, events, brokers and training sessions:
the keeper edits, another organisation cannot, each change is audited, locked records stay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kechuang.core import audit
from kechuang.market.activities import forms as activity_forms
from kechuang.market.activities import services as activity_services
from kechuang.market.catalogue import forms as catalogue_forms
from kechuang.market.catalogue import services as catalogue_services
from kechuang.market.challenges import forms as challenge_forms
from kechuang.market.challenges import services as challenge_services
from kechuang.market.models import ChallengeDemand, Organiser, TechContract, TechDemand
from tests.factories import (
    AchievementFactory,
    AchievementTransferFactory,
    BrokerFactory,
    ChallengeCallFactory,
    ChallengeDemandFactory,
    ChallengeFactory,
    ChallengeListBatchFactory,
    EnterpriseFactory,
    InstitutionFactory,
    MatchmakingActivityFactory,
    ServiceInstitutionFactory,
    TechContractFactory,
    TechDemandFactory,
    TrainingSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def user_of(org: Any, role: str) -> Any:
    return UserFactory(role=role, organization_id=org.pk)


def post_data(form_class: type, obj: Any, **changes: Any) -> dict[str, Any]:
    """What the edit page posts: the stored values, with `changes`."""
    data = {}
    for name, value in {**form_class(instance=obj).initial, **changes}.items():
        if value is None or value is False:
            continue
        data[name] = value.isoformat() if isinstance(value, dt.date) else value
    return data


@dataclass
class Case:
    url: str
    form: type
    make: Any  # () -> (record, keeper user, user of another organisation)
    field: str
    new: Any


def _achievement():
    inst = InstitutionFactory()
    return (
        AchievementFactory(institution=inst),
        user_of(inst, "institution"),
        (user_of(InstitutionFactory(), "institution")),
    )


def _demand():
    firm = EnterpriseFactory()
    return (
        TechDemandFactory(enterprise=firm, is_public=True),
        user_of(firm, "enterprise"),
        (user_of(EnterpriseFactory(), "enterprise")),
    )


def _transfer():
    inst = InstitutionFactory()
    buyer = EnterpriseFactory()
    t = AchievementTransferFactory(institution=inst, enterprise=buyer)
    # The receiving enterprise reads the transfer but does not keep it.
    return t, user_of(inst, "institution"), user_of(buyer, "enterprise")


def _event():
    svc = ServiceInstitutionFactory()
    e = MatchmakingActivityFactory(
        organiser_kind=Organiser.SERVICE, organiser_service=svc, organiser_name=svc.name
    )
    return e, user_of(svc, "service"), user_of(ServiceInstitutionFactory(), "service")


def _training():
    svc = ServiceInstitutionFactory()
    s = TrainingSessionFactory(
        organiser_kind=Organiser.SERVICE, organiser_service=svc, organiser_name=svc.name
    )
    return s, user_of(svc, "service"), user_of(ServiceInstitutionFactory(), "service")


def _broker():
    svc = ServiceInstitutionFactory()
    return (
        BrokerFactory(service_institution=svc),
        user_of(svc, "service"),
        (user_of(ServiceInstitutionFactory(), "service")),
    )


CASES = {
    "achievement": Case(
        "market:achievement_edit",
        catalogue_forms.AchievementForm,
        _achievement,
        "title",
        "改进型催化剂",
    ),
    "demand": Case(
        "market:demand_edit", catalogue_forms.DemandForm, _demand, "problem", "焊缝气孔"
    ),
    "transfer": Case(
        "market:transfer_edit", catalogue_forms.TransferForm, _transfer, "title", "许可实施"
    ),
    "event": Case(
        "market:event_edit", activity_forms.EventEditForm, _event, "venue", "沈阳科技大厦"
    ),
    "training": Case(
        "market:training_edit", activity_forms.TrainingEditForm, _training, "topic", "经纪实务"
    ),
    "broker": Case("market:broker_edit", activity_forms.BrokerEditForm, _broker, "name", "王经纪"),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_the_keeper_edits_and_the_change_is_audited(client, kind):
    case = CASES[kind]
    obj, keeper, _other = case.make()
    before = getattr(obj, case.field)
    url = reverse(case.url, args=[obj.pk])
    client.force_login(keeper)
    assert client.get(url).status_code == 200
    response = client.post(url, post_data(case.form, obj, **{case.field: case.new}))
    assert response.status_code == 302, response.content.decode()[:2000]
    obj.refresh_from_db()
    assert getattr(obj, case.field) == case.new
    [entry] = audit.history(obj).filter(action="update")
    assert entry.actor == keeper
    assert entry.changes[case.field] == [before, case.new]


@pytest.mark.parametrize("kind", list(CASES))
def test_another_organisation_cannot_edit(client, kind):
    case = CASES[kind]
    obj, _keeper, other = case.make()
    before = getattr(obj, case.field)
    url = reverse(case.url, args=[obj.pk])
    client.force_login(other)
    # 404 when it may not even read the record, 403 when it reads but does not keep it.
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, post_data(case.form, obj, **{case.field: case.new})).status_code in (
        403,
        404,
    )
    obj.refresh_from_db()
    assert getattr(obj, case.field) == before
    assert not audit.history(obj).filter(action="update").exists()


def test_services_refuse_another_organisation():
    obj, _keeper, other = _transfer()
    with pytest.raises(PermissionDenied):
        catalogue_services.transfer_update(actor=other, transfer=obj, data={"title": "x"})
    event, _keeper, other = _event()
    with pytest.raises(PermissionDenied):
        activity_services.event_update(actor=other, event=event, data={"title": "x"})
    broker, _keeper, other = _broker()
    with pytest.raises(PermissionDenied):
        activity_services.broker_update(actor=other, broker=broker, data={"name": "x"})
    session, _keeper, other = _training()
    with pytest.raises(PermissionDenied):
        activity_services.training_update(actor=other, session=session, data={"topic": "x"})
    demand, _keeper, other = _demand()
    with pytest.raises(PermissionDenied):
        catalogue_services.demand_update(actor=other, demand=demand, data={"title": "x"})


def test_the_province_edits_any_and_the_keeper_cannot_move_a_record(province_admin):
    event, keeper, _other = _event()
    activity_services.event_update(actor=province_admin, event=event, data={"title": "省厅更正"})
    # The organiser and the city are not part of an edit.
    activity_services.event_update(
        actor=keeper, event=event, data={"city_id": "210200", "organiser_kind": "province"}
    )
    event.refresh_from_db()
    assert (event.title, event.city_id, event.organiser_kind) == ("省厅更正", "210100", "service")


def test_a_closed_demand_and_a_transfer_of_a_registered_contract_are_locked(client):
    demand, firm_user, _other = _demand()
    demand.status = TechDemand.Status.CLOSED
    demand.save()
    with pytest.raises(ValidationError) as exc:
        catalogue_services.demand_update(actor=firm_user, demand=demand, data={"title": "改"})
    assert exc.value.code == "locked"
    client.force_login(firm_user)
    url = reverse("market:demand_edit", args=[demand.pk])
    page = client.get(url).content.decode()
    assert "技术需求已关闭,不能修改" in page and 'id="locked"' in page
    client.post(url, post_data(catalogue_forms.DemandForm, demand, title="改"))
    demand.refresh_from_db()
    assert demand.title != "改"

    transfer, inst_user, _buyer = _transfer()
    transfer.contract = TechContractFactory()
    transfer.save()
    assert transfer.contract.status == TechContract.Status.REGISTERED
    with pytest.raises(ValidationError) as exc:
        catalogue_services.transfer_update(actor=inst_user, transfer=transfer, data={"title": "改"})
    assert exc.value.code == "locked"
    client.force_login(inst_user)
    page = client.get(reverse("market:transfer_edit", args=[transfer.pk])).content.decode()
    assert "该成果转化的技术合同已登记,不能修改" in page
    # An unregistered contract does not lock the transfer.
    transfer.contract.status = TechContract.Status.SUBMITTED
    transfer.contract.save(update_fields=["status"])
    catalogue_services.transfer_update(actor=inst_user, transfer=transfer, data={"title": "改"})


def test_a_transfer_names_only_the_institutions_own_achievements():
    transfer, inst_user, _buyer = _transfer()
    foreign = AchievementFactory()
    with pytest.raises(ValidationError) as exc:
        catalogue_services.transfer_update(
            actor=inst_user, transfer=transfer, data={"achievement": foreign}
        )
    assert "achievement" in exc.value.message_dict


def test_detail_pages_link_to_the_edit_page_for_the_keeper_only(client):
    for make, detail, edit in (
        (_achievement, "market:achievement_detail", "market:achievement_edit"),
        (_demand, "market:demand_detail", "market:demand_edit"),
        (_event, "market:event_detail", "market:event_edit"),
        (_training, "market:training_detail", "market:training_edit"),
    ):
        obj, keeper, other = make()
        link = reverse(edit, args=[obj.pk])
        client.force_login(keeper)
        assert link in client.get(reverse(detail, args=[obj.pk])).content.decode()
        client.force_login(other)
        page = client.get(reverse(detail, args=[obj.pk]))
        assert page.status_code == 404 or link not in page.content.decode()
    for make, listing, edit in (
        (_transfer, "market:transfer_list", "market:transfer_edit"),
        (_broker, "market:broker_list", "market:broker_edit"),
    ):
        obj, keeper, other = make()
        link = reverse(edit, args=[obj.pk])
        client.force_login(keeper)
        assert link in client.get(reverse(listing)).content.decode()
        client.force_login(other)
        assert link not in client.get(reverse(listing)).content.decode()


def test_a_challenge_demand_is_corrected_until_the_province_decides(client, province_admin):

    firm = EnterpriseFactory()
    keeper = user_of(firm, "enterprise")
    demand = ChallengeDemandFactory(enterprise=firm)
    url = reverse("market:challenge_demand_edit", args=[demand.pk])
    client.force_login(keeper)
    assert url in client.get(reverse("market:challenge_demand_list")).content.decode()
    data = post_data(challenge_forms.ChallengeDemandEditForm, demand, need="耐高温涂层")
    assert client.post(url, data).status_code == 302
    demand.refresh_from_db()
    assert demand.need == "耐高温涂层"
    [entry] = audit.history(demand).filter(action="update")
    assert entry.actor == keeper and "need" in entry.changes
    client.force_login(user_of(EnterpriseFactory(), "enterprise"))
    assert client.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        challenge_services.challenge_demand_update(
            actor=user_of(EnterpriseFactory(), "enterprise"), demand=demand, data={"need": "x"}
        )
    challenge_services.challenge_demand_decline(
        actor=province_admin, demand=demand, reason="不属于本次征集方向"
    )
    with pytest.raises(ValidationError) as exc:
        challenge_services.challenge_demand_update(actor=keeper, demand=demand, data={"need": "x"})
    assert exc.value.code == "locked"
    client.force_login(keeper)
    assert "需求已纳入榜单或未被采纳,不能修改" in client.get(url).content.decode()
    assert ChallengeDemand.objects.get(pk=demand.pk).need == "耐高温涂层"


def test_a_challenge_is_corrected_by_the_province_until_published(client, province_admin):

    draft = ChallengeListBatchFactory(status="draft", published_on=None)
    challenge = ChallengeFactory(batch=draft, status="draft", deadline=dt.date(2030, 1, 1))
    url = reverse("market:challenge_edit", args=[challenge.pk])
    client.force_login(province_admin)
    page = client.get(reverse("market:challenge_detail", args=[challenge.pk])).content.decode()
    assert url in page
    data = post_data(challenge_forms.ChallengeEditForm, challenge, targets="氧含量 ≤ 3 ppm")
    assert client.post(url, data).status_code == 302
    challenge.refresh_from_db()
    assert challenge.targets == "氧含量 ≤ 3 ppm"
    assert audit.history(challenge).filter(action="update", actor=province_admin).exists()
    issuer = user_of(challenge.issuer, "enterprise")
    client.force_login(issuer)
    assert client.get(url).status_code == 403
    challenge_services.batch_publish(actor=province_admin, batch=draft, on=dt.date(2029, 1, 1))
    challenge.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        challenge_services.challenge_update(
            actor=province_admin, challenge=challenge, data={"targets": "x"}
        )
    assert exc.value.code == "locked"
    client.force_login(province_admin)
    assert "榜单项目已发布,不能修改" in client.get(url).content.decode()


def test_a_call_is_corrected_by_the_province_until_it_closes(client, province_admin):
    today = timezone.localdate()
    call = ChallengeCallFactory(opens_on=today, closes_on=today + dt.timedelta(days=30))
    url = reverse("market:call_edit", args=[call.pk])
    client.force_login(province_admin)
    assert url in client.get(reverse("market:challenge_call_list")).content.decode()
    later = today + dt.timedelta(days=45)
    data = post_data(challenge_forms.CallEditForm, call, theme="集成电路装备", closes_on=later)
    assert client.post(url, data).status_code == 302
    call.refresh_from_db()
    assert (call.theme, call.closes_on) == ("集成电路装备", later)
    [entry] = audit.history(call).filter(action="update")
    assert entry.actor == province_admin and set(entry.changes) >= {"theme", "closes_on"}
    # The call's dates stay in order: the service refuses, the page shows why.
    backwards = post_data(
        challenge_forms.CallEditForm, call, closes_on=today - dt.timedelta(days=1)
    )
    page = client.post(url, backwards)
    assert page.status_code == 200 and "征集截止日期不能早于开始日期" in page.content.decode()
    call.refresh_from_db()
    assert call.closes_on == later

    # Everyone reads calls; only the province edits them.
    firm_user = user_of(EnterpriseFactory(), "enterprise")
    client.force_login(firm_user)
    assert url not in client.get(reverse("market:challenge_call_list")).content.decode()
    assert client.get(url).status_code == 403
    assert (
        client.post(url, post_data(challenge_forms.CallEditForm, call, title="改")).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        challenge_services.call_update(actor=firm_user, call=call, data={"title": "改"})

    # Once the call has closed, enterprises have proposed on what it said.
    after = later + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        challenge_services.call_update(
            actor=province_admin, call=call, data={"title": "改"}, on=after
        )
    assert exc.value.code == "locked"
    closed = ChallengeCallFactory()  # closed in 2023
    url = reverse("market:call_edit", args=[closed.pk])
    client.force_login(province_admin)
    assert url not in client.get(reverse("market:challenge_call_list")).content.decode()
    page = client.get(url).content.decode()
    assert "需求征集已截止,不能修改" in page and 'id="locked"' in page
    client.post(url, post_data(challenge_forms.CallEditForm, closed, title="改"))
    closed.refresh_from_db()
    assert closed.title != "改"
    assert not audit.history(closed).filter(action="update").exists()


def test_a_list_is_corrected_by_the_province_until_published(client, province_admin):
    draft = ChallengeListBatchFactory(status="draft", published_on=None)
    ChallengeFactory(batch=draft, status="draft", deadline=dt.date(2030, 1, 1))
    call = ChallengeCallFactory()
    url = reverse("market:batch_edit", args=[draft.pk])
    detail = reverse("market:batch_detail", args=[draft.pk])
    client.force_login(province_admin)
    assert url in client.get(detail).content.decode()
    data = post_data(challenge_forms.BatchEditForm, draft, title="2029年揭榜挂帅榜单", call=call.pk)
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.call, draft.status) == ("2029年揭榜挂帅榜单", call, "draft")
    [entry] = audit.history(draft).filter(action="update")
    assert entry.actor == province_admin and set(entry.changes) == {"title", "call"}

    # A list being drawn up is the province's alone: others do not find it.
    firm_user = user_of(EnterpriseFactory(), "enterprise")
    client.force_login(firm_user)
    assert client.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        challenge_services.batch_update(actor=firm_user, batch=draft, data={"title": "改"})

    challenge_services.batch_publish(actor=province_admin, batch=draft, on=dt.date(2029, 1, 1))
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        challenge_services.batch_update(actor=province_admin, batch=draft, data={"title": "改"})
    assert exc.value.code == "locked"
    # Published: everyone reads it, no one edits it.
    assert client.get(url).status_code == 403
    assert url not in client.get(detail).content.decode()
    client.force_login(province_admin)
    assert url not in client.get(detail).content.decode()
    page = client.get(url).content.decode()
    assert "榜单已发布,不能修改" in page and 'id="locked"' in page
    client.post(url, post_data(challenge_forms.BatchEditForm, draft, title="改"))
    draft.refresh_from_db()
    assert draft.title == "2029年揭榜挂帅榜单"
