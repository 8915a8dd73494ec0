"""Generated records are valid registry records: codes, constraints, places, distributions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, F, Q

from kechuang.core import uscc
from kechuang.core.models import Region
from kechuang.core.reference import SHENFU_CODE
from kechuang.registry.models import (
    Bank,
    Enterprise,
    EnterpriseYear,
    Institution,
    ListEntry,
    Platform,
    ServiceInstitution,
)
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_every_generated_uscc_is_valid_and_names_its_county(demo):
    for model in (Enterprise, Institution, ServiceInstitution, Bank):
        for code, region in model.objects.values_list("uscc", "region_id"):
            parsed = uscc.parse(code)
            assert parsed.value == code
            assert not parsed.org_code_warning, code
            assert parsed.region_code == region


def test_a_sample_passes_full_clean(demo):
    for model in (Enterprise, EnterpriseYear, Institution, ServiceInstitution, Bank, Platform):
        for obj in model.objects.order_by("pk")[:: max(1, model.objects.count() // 60)]:
            obj.full_clean()


def test_yearly_constraints_hold_on_every_row(demo):
    years = EnterpriseYear.objects
    assert not years.filter(tech_staff__gt=F("staff")).exists()
    assert not years.filter(rd_expense__gt=F("total_cost")).exists()
    for name in EnterpriseYear.MONEY:
        assert not years.filter(**{f"{name}__lt": 0}).exists(), name
    assert years.filter(net_profit__lt=0).exists()  # losses are allowed and do occur
    assert years.filter(staff__isnull=True).exists()  # some values are unknown
    assert set(years.values_list("year", flat=True)) == {2019, 2020, 2021, 2022}


def test_regions_are_counties_of_their_city(demo):
    counties = set(Region.objects.filter(level="county").values_list("code", flat=True))
    firms = Enterprise.objects.values_list("region_id", "city_id")
    assert all(region in counties for region, _ in firms)
    assert all(city == region[:4] + "00" for region, city in firms if city != SHENFU_CODE)
    shenfu = [region for region, city in firms if city == SHENFU_CODE]
    assert 0 < len(shenfu) < len(firms) / 20
    assert all(r == "210112" or r.startswith("2104") for r in shenfu)


def test_distributions_are_skewed_like_the_province(demo):
    total = Enterprise.objects.count()
    by_city = dict(Enterprise.objects.values_list("city_id").annotate(n=Count("id")))
    assert by_city["210100"] + by_city["210200"] > total / 2
    assert by_city.get("210900", 0) < by_city["210100"] / 10  # Fuxin
    by_section = dict(Enterprise.objects.values_list("industry__parent_id").annotate(n=Count("id")))
    assert max(by_section, key=by_section.__getitem__) == "C"
    assert by_section["C"] + by_section["I"] + by_section["M"] > total * 0.6
    recent = Enterprise.objects.filter(founded_on__year__gte=2010).count()
    assert recent > total / 2
    assert Enterprise.objects.filter(founded_on__year__lt=2000).exists()


def test_high_tech_certificates_run_three_years(demo):
    end = dt.date(2023, 6, 30)
    firms = Enterprise.objects.exclude(high_tech_valid_from=None)
    valid = firms.filter(high_tech_valid_to__gte=end).count()
    assert 0.2 < valid / Enterprise.objects.count() < 0.3
    for start, stop in firms.values_list("high_tech_valid_from", "high_tech_valid_to"):
        assert stop.year - start.year == 3
    assert firms.filter(high_tech_valid_to__lt=end).exists()  # some have run out


def test_unicorn_candidates_exist(demo):
    end = dt.date(2023, 6, 30)
    candidates = EnterpriseYear.objects.filter(
        year=2022,
        valuation_usd__gte=1_000_000_000,
        professional_investors=True,
        enterprise__listing_status="unlisted",
        enterprise__founded_on__gt=end.replace(year=end.year - 10),
    )
    assert candidates.count() >= 1


def test_fast_growers_exist(demo):
    revenue = dict(
        EnterpriseYear.objects.filter(year=2019, sales_revenue__gt=0).values_list(
            "enterprise_id", "sales_revenue"
        )
    )
    grew = 0
    for eid, later in EnterpriseYear.objects.filter(
        year=2022, enterprise_id__in=list(revenue)
    ).values_list("enterprise_id", "sales_revenue"):
        if later and later > revenue[eid] * 2:  # about 26 % a year or more
            grew += 1
    assert grew >= 5


def test_facts_agree_with_yearly_flags(demo):
    flagged = EnterpriseYear.objects.filter(abnormal_or_blacklisted=True)
    assert flagged.exists()
    assert not flagged.filter(enterprise__list_entries__isnull=True).exists()
    star = Enterprise.objects.filter(listing_board="star")
    assert not star.filter(Q(listed_on=None) | Q(listed_on__lt=dt.date(2019, 7, 22))).exists()
    assert ListEntry.objects.filter(removed_on__lt=F("listed_on")).count() == 0


def test_new_rows_after_a_build_get_fresh_ids(demo):
    # The generator writes its own ids; the database must hand out the next ones.
    firm = EnterpriseFactory()
    assert firm.pk > Enterprise.objects.exclude(pk=firm.pk).order_by("-pk").first().pk
