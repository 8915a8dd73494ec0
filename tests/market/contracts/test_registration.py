"""Registration of technology contracts: the procedure, its deadlines and its numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from kechuang.core.models import AuditEntry
from kechuang.market.contracts import regnumber, services
from kechuang.market.models import ContractEvent, TechContract
from tests.factories import EnterpriseFactory, TechContractFactory

pytestmark = pytest.mark.django_db
D = dt.date


def contract_data(seller, **over):
    data = {
        "title": "高性能合金研发",
        "type": "development",
        "subtype": "commissioned",
        "seller_enterprise": seller,
        "buyer_name": "北京某公司",
        "buyer_region_code": "110108",
        "turnover": Decimal("1000000.00"),
        "signed_on": D(2023, 9, 1),
        "effective_on": D(2023, 9, 1),
        "field_id": "05",
    }
    data.update(over)
    return data


@pytest.fixture
def submitted(enterprise_user, enterprise):
    return services.contract_submit(actor=enterprise_user, data=contract_data(enterprise))


def test_submit_derives_parties_city_and_value(submitted, enterprise):
    c = submitted
    assert c.status == TechContract.Status.SUBMITTED
    assert c.seller_name == enterprise.name
    assert c.seller_kind == TechContract.SellerKind.ENTERPRISE
    assert c.seller_city_id == "210100"
    assert c.city_id == "210100"
    assert c.buyer_city_id is None  # Beijing: outside the province
    assert c.tech_value == Decimal("1000000.00")
    assert [e.kind for e in c.events.all()] == ["submitted"]
    assert AuditEntry.objects.filter(object_id=str(c.pk), action="create").count() == 1


def test_deductions_give_the_technology_value(enterprise_user, enterprise):
    c = services.contract_submit(
        actor=enterprise_user,
        data=contract_data(enterprise, turnover=Decimal("2500000.00")),
        deductions=[
            {"kind": "equipment", "amount": "1200000.00"},
            {"kind": "raw_materials", "amount": Decimal("300000.50")},
        ],
    )
    assert c.tech_value == Decimal("999999.50")
    assert c.deductions.count() == 2


def test_deductions_beyond_turnover_are_refused(enterprise_user, enterprise):
    with pytest.raises(ValidationError) as exc:
        services.contract_submit(
            actor=enterprise_user,
            data=contract_data(enterprise, turnover=Decimal("100.00")),
            deductions=[{"kind": "parts", "amount": "100.01"}],
        )
    assert "turnover" in exc.value.message_dict
    assert not TechContract.objects.exists()


def test_deductions_equal_to_turnover_leave_zero(enterprise_user, enterprise):
    c = services.contract_submit(
        actor=enterprise_user,
        data=contract_data(enterprise, turnover=Decimal("100.00")),
        deductions=[{"kind": "parts", "amount": "100.00"}],
    )
    assert c.tech_value == Decimal("0.00")


def test_value_above_turnover_is_refused_by_the_database(enterprise):
    with pytest.raises(IntegrityError), transaction.atomic():
        TechContractFactory(turnover=Decimal("10.00"), tech_value=Decimal("10.01"))


def test_subtype_must_belong_to_type(enterprise_user, enterprise):
    with pytest.raises(ValidationError) as exc:
        services.contract_submit(
            actor=enterprise_user, data=contract_data(enterprise, subtype="patent_licence")
        )
    assert "subtype" in exc.value.message_dict


def test_outside_seller_cannot_register_here(province_admin):
    data = contract_data(None, seller_name="上海某公司", seller_region_code="310104")
    with pytest.raises(ValidationError):
        services.contract_submit(actor=province_admin, data=data)


def test_import_registers_where_the_domestic_buyer_is(province_admin, enterprise):
    data = contract_data(
        None,
        type="licence",
        subtype="patent_licence",
        seller_name="Foreign GmbH",
        seller_country="DE",
        buyer_enterprise=enterprise,
    )
    c = services.contract_submit(actor=province_admin, data=data)
    assert c.city_id == "210100"
    assert c.seller_kind == TechContract.SellerKind.OTHER


def test_only_the_seller_side_submits(enterprise):
    other_user = EnterpriseFactory()
    from tests.factories import UserFactory

    stranger = UserFactory(role="enterprise", organization_id=other_user.pk)
    with pytest.raises(PermissionDenied):
        services.contract_submit(actor=stranger, data=contract_data(enterprise))


def test_decision_within_15_working_days_across_national_day(submitted, city_admin):
    # Accepted Thursday 28 Sep 2023: the holiday 29 Sep–6 Oct does not count, the make-up
    # Saturday and Sunday 7–8 Oct do. Plain weekdays would give 19 Oct.
    c = services.contract_accept(actor=city_admin, contract=submitted, on=D(2023, 9, 28))
    assert c.status == TechContract.Status.ACCEPTED
    assert not c.expert_review
    assert c.decision_due == D(2023, 10, 25)
    assert c.office.prefix == "210101"


def test_expert_review_gives_30_working_days(enterprise_user, enterprise, city_admin):
    c = services.contract_submit(
        actor=enterprise_user, data=contract_data(enterprise, turnover=Decimal("5000000.00"))
    )
    c = services.contract_accept(actor=city_admin, contract=c, on=D(2023, 9, 28))
    assert c.expert_review
    assert c.status == TechContract.Status.EXPERT_REVIEW
    assert c.decision_due == D(2023, 11, 15)
    assert [e.kind for e in c.events.all()] == ["submitted", "accepted", "expert_review"]


def test_just_below_5_million_is_ordinary(enterprise_user, enterprise, city_admin):
    c = services.contract_submit(
        actor=enterprise_user,
        data=contract_data(enterprise, turnover=Decimal("5000000.00")),
        deductions=[{"kind": "parts", "amount": "0.01"}],
    )
    c = services.contract_accept(actor=city_admin, contract=c, on=D(2023, 11, 1))
    assert not c.expert_review
    assert c.decision_due == D(2023, 11, 22)


def test_a_dispute_sends_a_small_contract_to_experts(submitted, city_admin):
    c = services.contract_accept(
        actor=city_admin, contract=submitted, on=D(2023, 11, 1), disputed=True
    )
    assert c.expert_review
    assert c.events.get(kind="expert_review").data == {"cause": "disputed"}


def test_other_city_cannot_accept(submitted, dalian_admin, enterprise_user):
    for actor in (dalian_admin, enterprise_user):
        with pytest.raises(PermissionDenied):
            services.contract_accept(actor=actor, contract=submitted)


def test_register_allocates_numbers_per_office_and_year(submitted, city_admin, enterprise):
    c = services.contract_accept(actor=city_admin, contract=submitted, on=D(2023, 11, 1))
    c = services.contract_decide(actor=city_admin, contract=c, register=True, on=D(2023, 11, 2))
    assert c.status == TechContract.Status.REGISTERED
    assert c.number == "23210101000001"
    assert c.registered_on == D(2023, 11, 2)
    second = services.contract_submit(
        actor=city_admin, data=contract_data(enterprise, title="第二项合同")
    )
    services.contract_accept(actor=city_admin, contract=second, on=D(2023, 11, 1))
    second = services.contract_decide(
        actor=city_admin, contract=second, register=True, on=D(2023, 11, 3)
    )
    assert second.number == "23210101000002"
    third = services.contract_submit(
        actor=city_admin, data=contract_data(enterprise, title="第三项合同")
    )
    services.contract_accept(actor=city_admin, contract=third, on=D(2023, 12, 28))
    third = services.contract_decide(
        actor=city_admin, contract=third, register=True, on=D(2024, 1, 2)
    )
    assert third.number == "24210101000001"  # the serial starts again each year
    event = c.events.get(kind="registered")
    assert event.actor == city_admin and event.data["number"] == c.number


def test_dalian_office_has_its_own_prefix(dalian_admin):
    dalian_firm = EnterpriseFactory(county="210202")
    c = services.contract_submit(actor=dalian_admin, data=contract_data(dalian_firm))
    services.contract_accept(actor=dalian_admin, contract=c, on=D(2023, 5, 4))
    c = services.contract_decide(actor=dalian_admin, contract=c, register=True, on=D(2023, 5, 5))
    assert c.number == "23210201000001"


def test_refusal_needs_a_ground(submitted, city_admin):
    c = services.contract_accept(actor=city_admin, contract=submitted, on=D(2023, 11, 1))
    with pytest.raises(ValidationError):
        services.contract_decide(actor=city_admin, contract=c, register=False, ground="whim")
    c = services.contract_decide(
        actor=city_admin, contract=c, register=False, ground="seal_mismatch", reason="印章不符"
    )
    assert c.status == TechContract.Status.REFUSED
    assert c.number is None
    refused = ContractEvent.objects.get(contract=c, kind="refused")
    assert refused.ground == "seal_mismatch" and refused.reason == "印章不符"


def test_cannot_decide_before_acceptance(submitted, city_admin):
    with pytest.raises(ValidationError):
        services.contract_decide(actor=city_admin, contract=submitted, register=True)


def test_amendment_keeps_number_and_recomputes_value(submitted, city_admin):
    services.contract_accept(actor=city_admin, contract=submitted, on=D(2023, 11, 1))
    c = services.contract_decide(
        actor=city_admin, contract=submitted, register=True, on=D(2023, 11, 2)
    )
    c = services.contract_amend(
        actor=city_admin,
        contract=c,
        data={"turnover": Decimal("1500000.00")},
        deductions=[{"kind": "instruments", "amount": "200000.00"}],
        reason="补充协议",
    )
    assert c.number == "23210101000001"
    assert c.tech_value == Decimal("1300000.00")
    amended = c.events.get(kind="amended")
    assert amended.data["changes"]["turnover"] == ["1000000.00", "1500000.00"]


def test_cancellation_of_a_registered_contract(submitted, city_admin, enterprise_user):
    services.contract_accept(actor=city_admin, contract=submitted, on=D(2023, 11, 1))
    c = services.contract_decide(actor=city_admin, contract=submitted, register=True)
    with pytest.raises(PermissionDenied):
        services.contract_cancel(actor=enterprise_user, contract=c, reason="终止")
    c = services.contract_cancel(actor=city_admin, contract=c, reason="双方协议终止")
    assert c.status == TechContract.Status.CANCELLED
    assert c.number  # the number stays taken


def test_seller_may_withdraw_a_pending_submission(submitted, enterprise_user):
    c = services.contract_cancel(actor=enterprise_user, contract=submitted, reason="撤回")
    assert c.status == TechContract.Status.CANCELLED


@pytest.mark.parametrize(
    "value",
    ["2321010100000", "232101010000012", "2321010a000001", "23990101000001", "23210101000000"],
)
def test_malformed_registration_numbers(value):
    with pytest.raises(ValidationError):
        regnumber.parse(value)


def test_registration_number_parts():
    n = regnumber.parse("23210101000042")
    assert (n.year, n.province, n.prefecture, n.office, n.serial) == (2023, "21", "01", "01", 42)
    assert str(n) == "23210101000042"


def test_registration_number_is_unique(enterprise):
    TechContractFactory(number="23210101000007")
    with pytest.raises(IntegrityError), transaction.atomic():
        TechContractFactory(number="23210101000007")


def test_two_seller_organisations_are_refused_before_the_database(province_admin, enterprise):
    from tests.factories import InstitutionFactory

    data = contract_data(enterprise, seller_institution=InstitutionFactory())
    with pytest.raises(ValidationError) as exc:
        services.contract_submit(actor=province_admin, data=data)
    assert exc.value.message_dict["seller_name"] == ["卖方只能是一个登记机构"]
    assert not TechContract.objects.exists()


def test_the_same_contract_sent_twice_is_refused(submitted, enterprise_user, enterprise):
    before = TechContract.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.contract_submit(actor=enterprise_user, data=contract_data(enterprise))
    assert exc.value.code == "duplicate_submission"
    assert "请勿重复提交" in exc.value.messages[0]
    assert TechContract.objects.count() == before
    # Another amount is another contract; so is the same one sent after the window.
    services.contract_submit(
        actor=enterprise_user, data=contract_data(enterprise, turnover=Decimal("2000000.00"))
    )
    TechContract.objects.filter(pk=submitted.pk).update(
        submitted_at=submitted.submitted_at - services.RESUBMISSION_WINDOW
    )
    services.contract_submit(actor=enterprise_user, data=contract_data(enterprise))


def test_the_form_sent_twice_says_why(client, enterprise_user, enterprise):
    client.force_login(enterprise_user)
    form = {
        "title": "高性能合金研发",
        "type": "development",
        "subtype": "commissioned",
        "buyer_name": "北京某公司",
        "buyer_region_code": "110108",
        "buyer_country": "CN",
        "turnover": "1000000.00",
        "signed_on": "2023-09-01",
        "effective_on": "2023-09-01",
        "field": "05",
        "ip_type": "none",
        "plan_level": "none",
        "deductions-TOTAL_FORMS": "0",
        "deductions-INITIAL_FORMS": "0",
    }
    url = reverse("market:contract_submit")
    assert client.post(url, form).status_code == 302
    again = client.post(url, form)
    assert again.status_code == 200 and "请勿重复提交" in again.text
    assert TechContract.objects.filter(title="高性能合金研发").count() == 1
