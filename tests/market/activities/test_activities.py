"""Matchmaking events and their outcomes; brokers; training records and their counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.market import counts
from kechuang.market.activities import selectors, services
from kechuang.market.contracts.stats import Period
from kechuang.market.models import EventOutcome, Organiser
from tests.factories import (
    BrokerFactory,
    InstitutionFactory,
    MatchmakingActivityFactory,
    ServiceInstitutionFactory,
    TechContractFactory,
    TrainingSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date


def user_of(org, role):
    return UserFactory(role=role, organization_id=org.pk)


def event_data(**over):
    return {
        "kind": "matchmaking",
        "title": "装备制造产学研对接会",
        "held_on": D(2023, 4, 20),
        **over,
    }


# --- events ----------------------------------------------------------------------------------


def test_who_records_events_and_who_organises_them(
    province_admin, city_admin, service_institution, enterprise_user, bank
):
    svc_user = user_of(service_institution, "service")
    own = services.event_create(actor=svc_user, data=event_data(organiser_kind="province"))
    assert (own.organiser_kind, own.organiser_service) == (Organiser.SERVICE, service_institution)
    assert own.organiser_name == service_institution.name and own.city_id == "210100"
    city = services.event_create(actor=city_admin, data=event_data(city_id="210200"))
    assert (city.organiser_kind, city.city_id) == (Organiser.CITY_BUREAU, "210100")
    assert city.organiser_name == "沈阳市科技局"
    with pytest.raises(PermissionDenied):
        services.event_create(actor=city_admin, data=event_data(organiser_kind="province"))
    bank_event = services.event_create(
        actor=province_admin,
        data=event_data(
            kind="bank_enterprise", organiser_kind="bank", organiser_bank=bank, city_id="210200"
        ),
    )
    assert bank_event.organiser_name == bank.name
    with pytest.raises(ValidationError):  # a bank-organised event names the bank
        services.event_create(
            actor=province_admin, data=event_data(organiser_kind="bank", city_id="210100")
        )
    for who in (enterprise_user, user_of(bank, "bank"), UserFactory(role="expert")):
        with pytest.raises(PermissionDenied):
            services.event_create(actor=who, data=event_data())
    # Each sees its own: the service institution, the city bureau, the province everything.
    assert list(selectors.event_list(user=svc_user)) == [own]
    assert set(selectors.event_list(user=city_admin)) == {own, city}
    assert selectors.event_list(user=province_admin).count() == 3
    assert not selectors.event_list(user=enterprise_user).exists()


def test_outcomes_link_the_contracts_signed(province_admin, service_institution, enterprise):
    svc_user = user_of(service_institution, "service")
    event = services.event_create(actor=svc_user, data=event_data())
    signed = TechContractFactory(
        seller_enterprise=enterprise, signed_on=D(2023, 4, 20), turnover=Decimal("2600000.00")
    )
    outcome = services.outcome_add(
        actor=svc_user, event=event, data={"kind": "contract", "contract_number": signed.number}
    )
    assert outcome.contract == signed and outcome.amount == Decimal("2600000.00")
    assert outcome.title == signed.title
    intention = services.outcome_add(
        actor=svc_user,
        event=event,
        data={"kind": "intention", "title": "数控机床联合研发意向", "amount": Decimal("500000")},
    )
    assert intention.contract is None
    assert list(signed.event_outcomes.all()) == [outcome]
    with pytest.raises(ValidationError):  # the same contract twice
        services.outcome_add(
            actor=svc_user, event=event, data={"kind": "contract", "contract": signed}
        )
    earlier = TechContractFactory(signed_on=D(2023, 4, 19))
    with pytest.raises(ValidationError) as exc:
        services.outcome_add(
            actor=svc_user,
            event=event,
            data={"kind": "contract", "contract_number": earlier.number},
        )
    assert "contract_number" in exc.value.message_dict
    pending = TechContractFactory(status="submitted", registered_on=None, number=None)
    with pytest.raises(ValidationError):
        services.outcome_add(
            actor=province_admin, event=event, data={"kind": "contract", "contract": pending}
        )
    other = user_of(ServiceInstitutionFactory(), "service")
    with pytest.raises(PermissionDenied):
        services.outcome_add(actor=other, event=event, data={"kind": "intention", "title": "x"})
    assert set(selectors.event_outcomes(user=svc_user, event=event)) == {outcome, intention}
    assert not selectors.event_outcomes(user=other, event=event).exists()
    assert EventOutcome.objects.filter(event=event).count() == 2


def test_participants_registered_or_named(service_institution, enterprise, bank):
    svc_user = user_of(service_institution, "service")
    event = services.event_create(actor=svc_user, data=event_data())
    p = services.participant_add(actor=svc_user, event=event, data={"enterprise": enterprise})
    q = services.participant_add(actor=svc_user, event=event, data={"name": "上海某投资基金"})
    assert (p.name, q.name) == (enterprise.name, "上海某投资基金")
    with pytest.raises(ValidationError):
        services.participant_add(actor=svc_user, event=event, data={"enterprise": enterprise})
    with pytest.raises(ValidationError):
        services.participant_add(
            actor=svc_user, event=event, data={"enterprise": enterprise, "bank": bank}
        )


def test_events_held_in_a_period(province_admin, city_admin):
    MatchmakingActivityFactory(held_on=D(2023, 1, 5))
    MatchmakingActivityFactory(held_on=D(2023, 6, 30), kind="bank_enterprise")
    MatchmakingActivityFactory(held_on=D(2023, 7, 1))
    MatchmakingActivityFactory(held_on=D(2023, 3, 1), city_id="210200")
    h1 = Period.half(2023, 1)
    assert counts.events_held(user=province_admin, period=h1) == 3
    assert counts.events_held(user=province_admin, period=h1, kind="bank_enterprise") == 1
    assert counts.events_held(user=city_admin, period=h1) == 2


# --- brokers ---------------------------------------------------------------------------------


def test_brokers_are_kept_by_their_employer_or_an_admin(
    service_institution, province_admin, city_admin, dalian_admin, enterprise_user
):
    data = {
        "name": "刘洋",
        "series": "engineering",
        "level": "senior",
        "certified_on": D(2022, 5, 1),
    }
    svc_user = user_of(service_institution, "service")
    mine = services.broker_create(
        actor=svc_user, data={**data, "institution": InstitutionFactory()}
    )
    assert (mine.service_institution, mine.institution, mine.city_id) == (
        service_institution,
        None,
        "210100",
    )
    elsewhere = ServiceInstitutionFactory()
    services.broker_create(actor=city_admin, data={**data, "service_institution": elsewhere})
    with pytest.raises(PermissionDenied):
        services.broker_create(
            actor=dalian_admin, data={**data, "service_institution": service_institution}
        )
    with pytest.raises(PermissionDenied):
        services.broker_create(actor=enterprise_user, data=data)
    assert list(selectors.broker_list(user=svc_user)) == [mine]
    assert selectors.broker_list(user=city_admin).count() == 2
    assert not selectors.broker_list(user=dalian_admin).exists()


# --- training counts -------------------------------------------------------------------------


@pytest.fixture
def training(province_admin, service_institution):
    """Five courses and the people at them; the counts below are worked out by hand.

    2022-11-01 S0 broker   沈阳: 张伟, 陈晨
    2023-03-03 S1 broker   沈阳: broker 甲 (passed), 张伟 (passed), 李娜
    2023-05-20 S2 assessor 沈阳, by a service institution: 甲 (passed), 张伟, 王强 (passed)
    2023-04-10 S4 broker   大连: 周杰
    2023-08-10 S3 manager  沈阳: 李娜 (passed), 赵敏
    """
    jia = BrokerFactory(name="甲", service_institution=service_institution)

    def course(ends, kind="broker", city="210100", **kw):
        return TrainingSessionFactory(
            kind=kind, starts_on=ends - dt.timedelta(days=2), ends_on=ends, city_id=city, **kw
        )

    def attend(session, name="", employer="", passed=False, broker=None):
        services.attendance_add(
            actor=province_admin,
            session=session,
            data={"name": name, "employer": employer, "passed": passed, "broker": broker},
        )

    s0 = course(D(2022, 11, 1))
    attend(s0, "张伟", "沈阳技术转移中心")
    attend(s0, "陈晨", "抚顺孵化器")
    s1 = course(D(2023, 3, 3))
    attend(s1, broker=jia, passed=True)
    attend(s1, "张伟", "沈阳技术转移中心", passed=True)
    attend(s1, "李娜", "大连理工")
    s2 = course(
        D(2023, 5, 20),
        kind="assessor",
        organiser_kind="service",
        organiser_service=service_institution,
        organiser_name=service_institution.name,
    )
    attend(s2, broker=jia, passed=True)
    attend(s2, " 张伟 ", "沈阳技术转移中心")  # the same person, spaces aside
    attend(s2, "王强", "鞍山孵化器", passed=True)
    s4 = course(D(2023, 4, 10), city="210200")
    attend(s4, "周杰", "大连某公司")
    s3 = course(D(2023, 8, 10), kind="manager")
    attend(s3, "李娜", "大连理工", passed=True)
    attend(s3, "赵敏", "")


def row(c):
    return (c.sessions, c.trained, c.passed, c.cumulative)


def test_people_trained_per_half_and_cumulative(training, province_admin):
    h1, h2 = counts.training_counts(user=province_admin, periods=counts.periods_of(2023, "half"))
    assert row(h1) == (3, 5, 3, 6)  # 甲 张伟 李娜 王强 周杰; passed 甲 张伟 王强; + 陈晨
    assert row(h2) == (1, 2, 1, 7)  # 李娜 赵敏; passed 李娜; + 赵敏


def test_people_trained_per_quarter(training, province_admin):
    quarters = counts.training_counts(
        user=province_admin, periods=counts.periods_of(2023, "quarter")
    )
    assert [row(q) for q in quarters] == [(1, 3, 2, 4), (2, 4, 2, 6), (1, 2, 1, 7), (0, 0, 0, 7)]


def test_training_counts_follow_scope_and_kind(training, city_admin, service_institution):
    h1 = Period.half(2023, 1)
    [shenyang] = counts.training_counts(user=city_admin, periods=[h1])
    assert row(shenyang) == (2, 4, 3, 5)  # no 周杰 of Dalian
    [brokers] = counts.training_counts(user=city_admin, periods=[h1], kind="broker")
    assert row(brokers) == (1, 3, 2, 4)
    [own] = counts.training_counts(user=user_of(service_institution, "service"), periods=[h1])
    assert row(own) == (1, 3, 2, 3)


def test_attendance_only_by_who_may_change_the_course(service_institution, enterprise_user):
    session = TrainingSessionFactory()
    with pytest.raises(PermissionDenied):
        services.attendance_add(
            actor=user_of(service_institution, "service"), session=session, data={"name": "x"}
        )
    with pytest.raises(PermissionDenied):
        services.attendance_add(actor=enterprise_user, session=session, data={"name": "x"})


def test_periods_of_a_year():
    months = counts.periods_of(2024, "month")
    assert len(months) == 12 and months[1] == Period(D(2024, 2, 1), D(2024, 2, 29))
    assert counts.periods_of(2023, "year") == [Period.year(2023)]
    with pytest.raises(ValueError):
        counts.periods_of(2023, "week")


def test_an_enterprise_user_cannot_create_training(enterprise_user):
    with pytest.raises(PermissionDenied):
        services.training_create(
            actor=enterprise_user,
            data={
                "kind": "broker",
                "topic": "x",
                "starts_on": D(2023, 1, 1),
                "ends_on": D(2023, 1, 2),
            },
        )


def test_training_created_by_a_service_institution(service_institution):
    svc_user = user_of(service_institution, "service")
    session = services.training_create(
        actor=svc_user,
        data={
            "kind": "assessor",
            "topic": "技术评价师培训",
            "starts_on": D(2023, 6, 1),
            "ends_on": D(2023, 6, 3),
            "organiser_kind": "province",
        },
    )
    assert session.organiser_service == service_institution
    with pytest.raises(ValidationError):
        services.training_create(
            actor=svc_user,
            data={
                "kind": "assessor",
                "topic": "x",
                "starts_on": D(2023, 6, 3),
                "ends_on": D(2023, 6, 1),
            },
        )
