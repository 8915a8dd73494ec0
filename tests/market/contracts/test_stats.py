"""Contract statistics against figures computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.market.contracts import stats
from kechuang.market.models import TechContract
from tests.factories import EnterpriseFactory, TechContractFactory

pytestmark = pytest.mark.django_db
D = dt.date
H1_2023 = stats.Period.half(2023, 1)


def make(day, turnover, value=None, *, type="development", field="01", city="210100", **kw):
    subtype = {"development": "commissioned", "transfer": "patent"}[type]
    return TechContractFactory(
        registered_on=day,
        turnover=Decimal(turnover),
        tech_value=Decimal(value if value is not None else turnover),
        type=type,
        subtype=subtype,
        field_id=field,
        seller_city_id=city,
        city_id=city,
        seller_enterprise=None,
        **kw,
    )


@pytest.fixture
def book(db):
    make(D(2023, 3, 1), "100.00", "80.00", buyer_city_id="210200")  # A
    make(D(2023, 6, 30), "300.00", type="transfer")  # B
    make(D(2023, 1, 1), "50.00", field="05", city="210200", buyer_country="US")  # C
    make(D(2022, 6, 30), "40.00")  # D
    make(D(2022, 2, 1), "10.00", type="transfer", field="05", city="210200")  # E
    # Outside the periods, or not (or no longer) registered:
    make(D(2023, 7, 1), "999.00")
    make(D(2022, 7, 15), "150.00")
    make(D(2021, 5, 1), "100.00")
    make(D(2023, 3, 1), "777.00", status=TechContract.Status.CANCELLED)
    make(None, "555.00", status=TechContract.Status.REFUSED, number=None)


def test_totals_with_yoy(book, province_admin):
    [row] = stats.contract_stats(user=province_admin, period=H1_2023)
    assert row["count"] == 3
    assert row["turnover"] == Decimal("450.00")
    assert row["tech_value"] == Decimal("430.00")
    assert row["avg_tech_value"] == Decimal("143.33")
    assert (row["prior_count"], row["prior_turnover"]) == (2, Decimal("50.00"))
    assert row["yoy_turnover"] == Decimal("8")
    assert row["yoy_count"] == Decimal("0.5")


def test_grouped_by_type(book, province_admin):
    rows = {
        r["type"]: r for r in stats.contract_stats(user=province_admin, period=H1_2023, by=["type"])
    }
    dev, tra = rows["development"], rows["transfer"]
    assert (dev["count"], dev["turnover"], dev["tech_value"]) == (
        2,
        Decimal("150.00"),
        Decimal("130.00"),
    )
    assert dev["avg_tech_value"] == Decimal("65.00")
    assert dev["yoy_turnover"] == Decimal("2.75")  # 150 against 40
    assert (tra["turnover"], tra["prior_turnover"], tra["yoy_turnover"]) == (
        Decimal("300.00"),
        Decimal("10.00"),
        Decimal("29"),
    )


def test_grouped_by_type_field_city(book, province_admin):
    rows = stats.contract_stats(user=province_admin, period=H1_2023, by=["type", "field", "city"])
    keyed = {(r["type"], r["field"], r["city"]): r for r in rows}
    assert keyed[("development", "01", "210100")]["count"] == 1
    assert keyed[("development", "01", "210100")]["prior_count"] == 1
    # A group that existed only last year is still listed, with nothing this year.
    only_prior = keyed[("transfer", "05", "210200")]
    assert (only_prior["count"], only_prior["prior_count"]) == (0, 1)
    assert only_prior["avg_tech_value"] is None
    assert only_prior["yoy_count"] == Decimal("-1")


def test_city_bureau_counts_its_city(book, city_admin):
    [row] = stats.contract_stats(user=city_admin, period=H1_2023)
    assert (row["count"], row["turnover"], row["prior_turnover"]) == (
        2,
        Decimal("400.00"),
        Decimal("40.00"),
    )


def test_public_and_banks_see_no_statistics(book, bank):
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import UserFactory

    banker = UserFactory(role="bank", organization_id=bank.pk)
    for user in (AnonymousUser(), banker):
        [row] = stats.contract_stats(user=user, period=H1_2023)
        assert row["count"] == 0 and row["yoy_count"] is None


def test_growth_vs_last_year_end(book, province_admin):
    t = stats.contract_totals(user=province_admin, period=H1_2023)
    assert t["last_year_turnover"] == Decimal("200.00")  # D + E + the July 2022 contract
    assert t["year_before_turnover"] == Decimal("100.00")
    assert t["last_year_growth_turnover"] == Decimal("1")
    assert t["pp_vs_last_year_turnover"] == Decimal("700")  # +800 % against +100 %


def test_flows(book, province_admin):
    flows = stats.contract_flows(user=province_admin, period=H1_2023)
    outflow = {r["seller_city_id"]: r["turnover"] for r in flows["outflow"]}
    assert outflow == {"210100": Decimal("400.00"), "210200": Decimal("50.00")}
    absorption = {r["buyer_city_id"]: r["count"] for r in flows["absorption"]}
    assert absorption == {"210200": 1}
    dest = {r["destination"]: r["count"] for r in flows["destination"]}
    assert dest == {"in_province": 1, "other_province": 1, "abroad": 1}


def test_prior_of_a_leap_day():
    p = stats.Period(D(2024, 2, 1), D(2024, 2, 29)).prior()
    assert p == stats.Period(D(2023, 2, 1), D(2023, 2, 28))


def test_unknown_dimension_is_refused(province_admin):
    with pytest.raises(ValueError):
        stats.contract_stats(user=province_admin, period=H1_2023, by=["colour"])


def test_seller_kind_from_the_registry(province_admin):
    from kechuang.market.contracts import services
    from tests.factories import InstitutionFactory

    uni = InstitutionFactory(kind="university")
    inst = InstitutionFactory(kind="institute")
    firm = EnterpriseFactory()
    kinds = []
    for seller in (
        {"seller_institution": uni},
        {"seller_institution": inst},
        {"seller_enterprise": firm},
    ):
        c = services.contract_submit(
            actor=province_admin,
            data={
                "title": "t",
                "type": "consulting",
                "subtype": "consulting",
                "buyer_name": "b",
                "turnover": Decimal("1.00"),
                "signed_on": D(2023, 1, 5),
                "effective_on": D(2023, 1, 5),
                "field_id": "01",
                **seller,
            },
        )
        kinds.append(c.seller_kind)
    assert kinds == ["university", "institute", "enterprise"]
