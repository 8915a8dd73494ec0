"""Who a trained person is: a registered broker and the same person recorded by name and
employer count once in the people-trained figures (F33)."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.market import counts
from kechuang.market.activities import services
from kechuang.market.contracts.stats import Period
from tests.factories import BrokerFactory, ServiceInstitutionFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db
H1, H2 = Period.half(2023, 1), Period.half(2023, 2)


@pytest.fixture
def centre(db):
    return ServiceInstitutionFactory(name="辽宁（大连）技术转移中心")


def course(ends: dt.date):
    return TrainingSessionFactory(starts_on=ends - dt.timedelta(days=2), ends_on=ends)


def attend(actor, session, name="", employer="", broker=None, passed=False):
    services.attendance_add(
        actor=actor,
        session=session,
        data={"name": name, "employer": employer, "broker": broker, "passed": passed},
    )


def trained(actor, *periods):
    return [
        (c.trained, c.passed, c.cumulative)
        for c in counts.training_counts(user=actor, periods=list(periods))
    ]


def test_a_broker_and_the_same_person_by_name_count_once(province_admin, centre):
    wang = BrokerFactory(name="王芳", service_institution=centre)
    attend(province_admin, course(dt.date(2023, 3, 3)), broker=wang)
    # The second course took her by name, the employer written with half-width brackets.
    attend(
        province_admin, course(dt.date(2023, 5, 5)), "王芳", "辽宁(大连)技术转移中心", passed=True
    )
    assert trained(province_admin, H1) == [(1, 1, 1)]


def test_the_same_name_elsewhere_is_another_person(province_admin, centre):
    wang = BrokerFactory(name="王芳", service_institution=centre)
    session = course(dt.date(2023, 3, 3))
    attend(province_admin, session, broker=wang)
    attend(province_admin, session, "王芳", "沈阳技术转移中心")
    attend(province_admin, session, "王芳", "")
    assert trained(province_admin, H1) == [(3, 0, 3)]


def test_two_brokers_of_one_name_and_employer_leave_a_name_unmatched(province_admin, centre):
    first = BrokerFactory(name="李强", service_institution=centre)
    second = BrokerFactory(name="李强", service_institution=centre)
    session = course(dt.date(2023, 3, 3))
    attend(province_admin, session, broker=first)
    attend(province_admin, course(dt.date(2023, 4, 4)), broker=second)
    attend(province_admin, course(dt.date(2023, 5, 5)), "李强", centre.name)
    assert trained(province_admin, H1) == [(3, 0, 3)]


def test_a_broker_renamed_since_is_known_by_both_names(province_admin, centre):
    zhao = BrokerFactory(name="赵敏", service_institution=centre)
    attend(province_admin, course(dt.date(2023, 2, 2)), broker=zhao)
    services.broker_update(actor=province_admin, broker=zhao, data={"name": "赵敏敏"})
    attend(province_admin, course(dt.date(2023, 3, 3)), "赵敏", centre.name)
    attend(province_admin, course(dt.date(2023, 4, 4)), "赵敏敏", centre.name)
    assert trained(province_admin, H1) == [(1, 0, 1)]


def test_each_period_counts_the_person_once_and_the_total_once(province_admin, centre):
    wang = BrokerFactory(name="王芳", service_institution=centre)
    attend(province_admin, course(dt.date(2023, 3, 3)), "王芳", centre.name)
    attend(province_admin, course(dt.date(2023, 9, 9)), broker=wang, passed=True)
    assert trained(province_admin, H1, H2) == [(1, 0, 1), (1, 1, 1)]
