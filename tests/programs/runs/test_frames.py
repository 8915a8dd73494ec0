"""The registry read into the engine's frame: the same as the §1 export read back by the
engine's own file reader, filled from the enterprise record and its facts, and selected by
region and by the years a spec reads — in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kechuang.core.models import HighTechZone, Region
from kechuang.programs.frames import Selection, registry_frame
from kechuang.registry.exporting import (
    ENTERPRISE_YEAR_COLUMNS,
    enterprise_years_of,
    export_queryset,
)
from kechuang.registry.models import (
    Award,
    Enterprise,
    EnterpriseYear,
    Incident,
    ListEntry,
    StandardLed,
)
from kechuang.rules.fields import FIELDS
from kechuang.rules.io import read_enterprise_years
from tests.factories import EnterpriseFactory
from tests.programs.runs_support import province_firms

pytestmark = pytest.mark.django_db
D = dt.date
SECTION_1 = {f.zh for f in FIELDS if not f.extra}


def _filed(enterprise: Enterprise, year: int, **values: object) -> EnterpriseYear:
    return EnterpriseYear.objects.create(enterprise=enterprise, year=year, **values)


@pytest.fixture
def registry(db):
    zone = HighTechZone.objects.get(name="沈阳高新技术产业开发区")
    a = EnterpriseFactory(name="甲科技", county="210112", zone=zone, founded_on=D(2012, 3, 9))
    b = EnterpriseFactory(name="乙科技", county="210202", industry_id="65", founded_on=None)
    _filed(
        a,
        2021,
        staff=120,
        tech_staff=40,
        sales_revenue=Decimal("123456789012.34"),
        total_cost=Decimal("90000000.05"),
        rd_expense=Decimal("8000000.99"),
        net_profit=Decimal("-1234.56"),
        tax_paid=Decimal("0.01"),
        ip_class1=1,
        listed=False,
        high_tech_cert_valid_to=D(2024, 12, 31),
        professional_investors=True,
        major_incident=False,
    )
    _filed(a, 2022, staff=130, listed=False, valuation_usd=Decimal("1500000000.00"))
    _filed(b, 2020, sales_revenue=Decimal("10.10"), listed=True, led_standard=True)
    _filed(b, 2022, listed=True, abnormal_or_blacklisted=False)
    return a, b


def test_the_frame_equals_the_exchange_export_read_back(registry, province_admin, tmp_path):
    columns = [c for c in ENTERPRISE_YEAR_COLUMNS if str(c.label) in SECTION_1]
    rows = enterprise_years_of(user=province_admin, enterprises=Enterprise.objects.all())
    path = tmp_path / "years.csv"
    path.write_bytes(export_queryset(rows, columns, "csv"))
    exported = read_enterprise_years(path).sort("uscc", "year")

    frame = registry_frame().select(exported.columns).sort("uscc", "year")

    assert frame.height == 4
    assert_frame_equal(frame, exported)
    money = frame.filter(pl.col("year") == 2021).row(0, named=True)
    assert money["sales_revenue"] == Decimal("123456789012.34")
    assert money["net_profit"] == Decimal("-1234.56")


def test_the_frame_carries_city_and_zone_for_cohorts(registry):
    a, b = registry
    frame = registry_frame()
    firms = {r["uscc"]: r for r in frame.unique("uscc").iter_rows(named=True)}
    assert firms[a.uscc]["city_code"] == "210100"
    assert firms[a.uscc]["zone_code"] == str(a.zone_id)
    assert firms[b.uscc]["city_code"] == "210200"
    assert firms[b.uscc]["zone_code"] is None
    assert frame["enterprise_id"].to_list() == [a.pk, a.pk, b.pk, b.pk]  # grouped, years rising
    assert frame["year"].to_list() == [2021, 2022, 2020, 2022]


def test_empty_yearly_values_are_filled_from_the_enterprise_and_its_facts(db):
    e = EnterpriseFactory(
        listing_status="listed",
        listing_board="main",
        listed_on=D(2021, 5, 1),
        high_tech_valid_from=D(2021, 1, 1),
        high_tech_valid_to=D(2023, 12, 31),
        rd_institution_level="provincial",
        is_software_enterprise=True,
    )
    for year in (2020, 2021, 2022):
        _filed(e, year)
    _filed(e, 2023, abnormal_or_blacklisted=False, major_incident=False)
    Award.objects.create(enterprise=e, name="国家科技进步奖", level="national", year=2016, rank=2)
    Award.objects.create(enterprise=e, name="省科技奖", level="provincial", year=2022, rank=5)
    StandardLed.objects.create(
        enterprise=e, code="GB/T 1", title="标准", level="national", year=2021
    )
    ListEntry.objects.create(
        enterprise=e, kind="abnormal", listed_on=D(2021, 3, 1), removed_on=D(2021, 9, 1)
    )
    ListEntry.objects.create(enterprise=e, kind="blacklist", listed_on=D(2023, 2, 1))
    Incident.objects.create(enterprise=e, kind="safety", occurred_on=D(2022, 7, 1))

    by_year = {r["year"]: r for r in registry_frame().iter_rows(named=True)}

    assert [by_year[y]["listed"] for y in (2020, 2021, 2022)] == [False, True, True]
    assert by_year[2020]["high_tech_cert_valid_to"] is None  # not issued yet
    assert by_year[2022]["high_tech_cert_valid_to"] == D(2023, 12, 31)
    assert by_year[2021]["provincial_rd_institution"] is True
    assert by_year[2021]["software_enterprise_cert"] is True
    # A national award counts for five years (2016–2020); the provincial one from 2022.
    assert [by_year[y]["national_award_top3"] for y in (2020, 2021)] == [True, None]
    assert [by_year[y]["provincial_award"] for y in (2020, 2021, 2022)] == [True, None, True]
    assert [by_year[y]["led_standard"] for y in (2020, 2021, 2022)] == [None, True, True]
    assert [by_year[y]["abnormal_or_blacklisted"] for y in (2020, 2021, 2022)] == [
        None,
        True,
        None,
    ]
    # A value the enterprise filed is kept: the fact fills only what is unknown.
    assert by_year[2023]["abnormal_or_blacklisted"] is False
    assert [by_year[y]["major_incident"] for y in (2021, 2022)] == [None, True]


def test_selection_by_city_county_shenfu_and_years(db):
    firms = province_firms()
    old = EnterpriseFactory(name="停报企业")
    _filed(old, 2019, staff=5)

    def names(**kw: object) -> set[str]:
        frame = registry_frame(Selection(**kw))  # type: ignore[arg-type]
        ids = set(frame["enterprise_id"].unique().to_list())
        return set(Enterprise.objects.filter(pk__in=ids).values_list("name", flat=True))

    everyone = {f.name for f in firms.values()} | {old.name}
    assert names() == everyone
    assert names(city="210200") == {firms["low"].name}
    assert names(city="SHENFU") == {firms["shenfu"].name}
    # The Shenfu firm sits in a Shenyang county but reports as its own unit.
    assert firms["shenfu"].name not in names(city="210100")
    assert firms["shenfu"].name in names(county="210102")
    assert names(through=2023, active=(2022, 2023)) == everyone - {old.name}
    assert registry_frame(Selection(through=2022))["year"].max() == 2022


def test_reading_takes_the_same_number_of_queries_for_one_firm_or_many(
    db, django_assert_num_queries
):
    for i in range(30):
        e = EnterpriseFactory(name=f"批量{i}")
        _filed(e, 2022, staff=i)
        Incident.objects.create(enterprise=e, kind="safety", occurred_on=D(2022, 1, 1))
    # Enterprises, yearly figures, and one query per table of facts (four).
    with django_assert_num_queries(6):
        frame = registry_frame(Selection(city="210100"))
    assert frame.height == 30
    assert Region.objects.filter(code="SHENFU", level="reporting_unit").exists()


@pytest.mark.parametrize(
    "program", ["tech-sme", "gazelle", "unicorn", "eaglet", "innovation-points"]
)
def test_reading_only_what_a_spec_needs_evaluates_the_same(db, program):
    from kechuang.programs.frames import for_specs
    from kechuang.rules import evaluate, load_program

    firms = province_firms()
    e = firms["pass"]
    Award.objects.create(enterprise=e, name="国家奖", level="national", year=2021, rank=1)
    Incident.objects.create(enterprise=firms["low"], kind="safety", occurred_on=D(2023, 2, 1))
    # Older years: what a spec reads as "latest" may only be known there.
    _filed(firms["near"], 2018, high_tech_cert_valid_to=D(2024, 1, 1), led_standard=True)
    _filed(firms["low"], 2017, staff=3, sales_revenue=Decimal("9.00"))
    _filed(EnterpriseFactory(name="只有旧数据"), 2016, staff=5, led_standard=True)
    spec = load_program(program, 2023)
    selection = for_specs(spec)
    assert selection.since == min(spec.reads) and selection.through == 2023
    pruned = registry_frame(selection)
    assert pruned.columns == registry_frame().columns
    wanted = selection.fields or frozenset()
    yearly = [*EnterpriseYear.COUNTS, *EnterpriseYear.MONEY, *EnterpriseYear.SIGNED_MONEY]
    assert {c for c in yearly if pruned[c].null_count() < pruned.height} <= wanted
    old = pruned.filter(pl.col("year") < min(spec.reads))
    assert old["staff"].null_count() == old.height  # earlier years: "latest" columns only
    full = registry_frame(Selection(through=2023, active=selection.active))
    assert_frame_equal(evaluate(spec, pruned), evaluate(spec, full))


@pytest.mark.django_db(transaction=True)
def test_reading_side_by_side_gives_the_frame_read_in_one_transaction():
    from django.db import transaction

    from kechuang.programs.frames import for_specs
    from kechuang.rules import load_program

    firms = province_firms()
    _filed(firms["near"], 2018, high_tech_cert_valid_to=D(2024, 1, 1), led_standard=True)
    Award.objects.create(enterprise=firms["pass"], name="国家奖", level="national", year=2021)
    selection = for_specs(load_program("innovation-points", 2023))
    # Outside a transaction, PostgreSQL reads the enterprises, the years read, the earlier
    # years and the facts on connections of their own; inside one, one after another.
    apart = registry_frame(selection)
    with transaction.atomic():
        together = registry_frame(selection)
    assert apart.height > 0 and apart["year"].min() == 2018
    assert_frame_equal(apart, together)
