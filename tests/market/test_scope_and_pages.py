"""Who sees which contracts, achievements and demands; the pages render for each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from kechuang.market.catalogue import selectors as catalogue_selectors
from kechuang.market.catalogue import services as catalogue_services
from kechuang.market.contracts import selectors as contract_selectors
from kechuang.market.models import Achievement, TechContract
from tests.factories import (
    AchievementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    TechContractFactory,
    TechDemandFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contracts(enterprise):
    other = EnterpriseFactory()
    dalian = EnterpriseFactory(county="210202")
    return {
        "sold": TechContractFactory(seller_enterprise=enterprise),
        "bought": TechContractFactory(seller_enterprise=other, buyer_enterprise=enterprise),
        "foreign": TechContractFactory(seller_enterprise=other),
        "dalian": TechContractFactory(
            seller_enterprise=dalian, seller_city_id="210200", city_id="210200"
        ),
    }


def test_enterprise_sees_only_contracts_it_is_party_to(contracts, enterprise_user):
    seen = set(contract_selectors.contract_list(user=enterprise_user))
    assert seen == {contracts["sold"], contracts["bought"]}


def test_city_bureau_sees_its_city(contracts, city_admin, dalian_admin, province_admin):
    assert set(contract_selectors.contract_list(user=dalian_admin)) == {contracts["dalian"]}
    assert len(contract_selectors.contract_list(user=city_admin)) == 3
    assert len(contract_selectors.contract_list(user=province_admin)) == 4


def test_public_and_banks_see_no_contracts(contracts, bank):
    banker = UserFactory(role="bank", organization_id=bank.pk)
    assert not contract_selectors.contract_list(user=AnonymousUser()).exists()
    assert not contract_selectors.contract_list(user=banker).exists()


def test_public_sees_only_the_published_catalogue(institution):
    published = AchievementFactory(institution=institution)
    AchievementFactory(institution=institution, status=Achievement.Status.DRAFT)
    AchievementFactory(institution=institution, status=Achievement.Status.WITHDRAWN)
    assert list(catalogue_selectors.achievement_catalogue(user=AnonymousUser())) == [published]
    assert list(catalogue_selectors.achievement_list(user=AnonymousUser())) == [published]
    owner = UserFactory(role="institution", organization_id=institution.pk)
    assert catalogue_selectors.achievement_list(user=owner).count() == 3


def test_catalogue_search(institution):
    AchievementFactory(institution=institution, title="甲醇制烯烃第三代技术", trl=8)
    AchievementFactory(institution=institution, title="锂电池隔膜", trl=4)
    found = catalogue_selectors.achievement_catalogue(user=AnonymousUser(), q="烯烃")
    assert [a.title for a in found] == ["甲醇制烯烃第三代技术"]
    assert catalogue_selectors.achievement_catalogue(user=AnonymousUser(), min_trl=5).count() == 1


def test_private_demands_stay_with_their_enterprise(enterprise, enterprise_user):
    public = TechDemandFactory(enterprise=enterprise)
    private = TechDemandFactory(enterprise=enterprise, is_public=False)
    assert list(catalogue_selectors.demand_list(user=AnonymousUser())) == [public]
    assert set(catalogue_selectors.demand_list(user=enterprise_user)) == {public, private}


def test_achievement_workflow_and_transfer(institution):
    owner = UserFactory(role="institution", organization_id=institution.pk)
    a = catalogue_services.achievement_create(
        actor=owner,
        institution=institution,
        data={"title": "新型催化剂", "abstract": "…", "field_id": "05", "trl": 7},
    )
    assert a.status == Achievement.Status.DRAFT
    catalogue_services.achievement_publish(actor=owner, achievement=a)
    assert catalogue_selectors.achievement_catalogue(user=AnonymousUser()).get() == a
    stranger = UserFactory(role="institution", organization_id=InstitutionFactory().pk)
    with pytest.raises(Exception, match="not allowed"):
        catalogue_services.achievement_publish(actor=stranger, achievement=a, publish=False)
    t = catalogue_services.transfer_create(
        actor=owner,
        institution=institution,
        data={
            "achievement": a,
            "title": "催化剂转让",
            "enterprise_name": "某化工公司",
            "mode": "transfer",
            "amount": Decimal("130000000.00"),
            "transferred_on": dt.date(2023, 5, 20),
        },
    )
    assert list(catalogue_selectors.transfer_list(user=owner)) == [t]
    assert not catalogue_selectors.transfer_list(user=AnonymousUser()).exists()


def test_first_use_then_pay_needs_its_terms(institution):
    owner = UserFactory(role="institution", organization_id=institution.pk)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        catalogue_services.achievement_create(
            actor=owner,
            institution=institution,
            data={
                "title": "x",
                "abstract": "y",
                "field_id": "01",
                "trl": 3,
                "use_first_pay_later": True,
            },
        )


def test_pages_render(client, contracts, province_admin):
    client.force_login(province_admin)
    c = contracts["sold"]
    for url in [
        reverse("market:contract_list"),
        reverse("market:contract_list") + "?status=registered&overdue=false",
        reverse("market:contract_detail", args=[c.pk]),
        reverse("market:contract_certificate", args=[c.pk]),
        reverse("market:contract_submit"),
        reverse("market:contract_stats") + "?start=2023-01-01&end=2023-06-30&by=type&by=field",
        reverse("market:contract_import"),
        reverse("market:achievement_list"),
        reverse("market:transfer_list"),
        reverse("market:demand_list"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert c.title in client.get(reverse("market:contract_list")).content.decode()


def test_anonymous_gets_catalogue_but_not_contracts(client, contracts):
    assert client.get(reverse("market:achievement_list")).status_code == 200
    assert client.get(reverse("market:demand_list")).status_code == 200
    response = client.get(reverse("market:contract_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_enterprise_cannot_open_another_firms_contract(client, contracts, enterprise_user):
    client.force_login(enterprise_user)
    assert (
        client.get(reverse("market:contract_detail", args=[contracts["foreign"].pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("market:contract_detail", args=[contracts["bought"].pk])).status_code
        == 200
    )


def test_submit_and_review_through_the_pages(client, enterprise, enterprise_user, city_admin):
    client.force_login(enterprise_user)
    response = client.post(
        reverse("market:contract_submit"),
        {
            "title": "数控系统开发",
            "type": "development",
            "subtype": "cooperative",
            "buyer_name": "大连某公司",
            "buyer_region_code": "210202",
            "buyer_country": "CN",
            "turnover": "800000.00",
            "signed_on": "2023-03-01",
            "effective_on": "2023-03-01",
            "field": "03",
            "ip_type": "none",
            "plan_level": "none",
            "deductions-TOTAL_FORMS": "2",
            "deductions-INITIAL_FORMS": "0",
            "deductions-0-kind": "equipment",
            "deductions-0-amount": "100000.00",
            "deductions-1-kind": "parts",
            "deductions-1-amount": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    c = TechContract.objects.get(title="数控系统开发")
    assert c.seller_enterprise == enterprise and c.buyer_city_id == "210200"
    assert c.tech_value == Decimal("700000.00")
    client.force_login(city_admin)
    client.post(reverse("market:contract_accept", args=[c.pk]), {"accepted_on": "2023-03-02"})
    client.post(reverse("market:contract_decide", args=[c.pk]), {"decision": "register"})
    c.refresh_from_db()
    assert c.status == TechContract.Status.REGISTERED and c.number
    page = client.get(reverse("market:contract_detail", args=[c.pk])).content.decode()
    assert c.number in page and "免征" in page
