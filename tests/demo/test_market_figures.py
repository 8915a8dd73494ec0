"""The market of the demo province yields the bulletin's figures through the market's own
statistics: contract turnover with its YoY and points (F13, F14), the largest in-province
transfer (F34), transfers of universities and institutes (F12)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.core.models import User
from kechuang.market import counts
from kechuang.market.contracts import regnumber, stats
from kechuang.market.contracts.services import allocate_number
from kechuang.market.models import (
    Achievement,
    AchievementTransfer,
    ContractEvent,
    PlanProject,
    RegistrationCounter,
    TechContract,
    TechDemand,
)

pytestmark = pytest.mark.django_db

H1 = stats.Period.half(2023, 1)
CENT = Decimal("0.01")


def province() -> User:
    return User.objects.get(username="province")


def test_turnover_yoy_and_points_come_out_of_the_statistics(demo, targets):
    totals = stats.contract_totals(user=province(), period=H1)
    assert totals["turnover"].quantize(CENT) == Decimal(targets.figures["F13"])
    assert totals["prior_turnover"].quantize(CENT) == Decimal(targets.prior["F13"])
    assert round(totals["yoy_turnover"] * 100, 1) == Decimal("49.8")
    assert round(totals["last_year_growth_turnover"], 3) == Decimal(
        str(targets.prior_year_growth["F13"])
    )
    assert round(totals["pp_vs_last_year_turnover"], 1) == Decimal(str(targets.figures["F14"]))
    # Thousands of contracts a half-year, a few million yuan each on average, skewed.
    assert 3_000 <= totals["count"] <= 20_000
    assert 1_000_000 < totals["turnover"] / totals["count"] < 10_000_000
    median = (
        TechContract.objects.filter(H1.q()).order_by("turnover").values_list("turnover", flat=True)
    )[totals["count"] // 2]
    assert median < totals["turnover"] / totals["count"]


def test_the_methanol_to_olefins_licence_is_the_largest_contract(demo, targets):
    top = stats.largest_contracts(user=province(), period=H1, limit=1).get()
    assert top.turnover == Decimal(targets.figures["F34"])
    assert "甲醇制烯烃" in top.title
    assert top.seller_name == "中国科学院大连化学物理研究所"
    assert top.seller_institution_id is not None
    assert top.buyer_enterprise_id is not None and top.buyer_city_id is not None
    assert top.transfers.get().institution_id == top.seller_institution_id


def test_contracts_are_registered_as_the_services_register_them(demo):
    contracts = TechContract.objects.all()
    assert not contracts.exclude(status="registered").exists()
    for c in contracts.order_by("?")[:50]:
        parsed = regnumber.parse(c.number)
        assert parsed.year == c.registered_on.year
        assert c.office is not None and parsed.office == c.office.code
        assert c.accepted_on == c.registered_on and c.tech_value <= c.turnover
        c.full_clean()
        event = ContractEvent.objects.get(contract=c)
        assert event.kind == "registered" and event.data == {"number": c.number}
    assert ContractEvent.objects.count() == contracts.count()
    # A registration through the services continues the office's series.
    office = contracts.filter(registered_on__year=2023).first().office
    counter = RegistrationCounter.objects.get(office=office, year=2023)
    number = allocate_number(office, 2023)
    assert regnumber.parse(number).serial == counter.last + 1
    assert not TechContract.objects.filter(number=number).exists()


def test_transfers_of_universities_and_institutes_by_date(demo, targets):
    def transferred(start: dt.date, end: dt.date) -> int:
        return AchievementTransfer.objects.filter(transferred_on__range=(start, end)).count()

    assert transferred(H1.start, H1.end) == targets.count("F12")
    prior = H1.prior()
    assert transferred(prior.start, prior.end) == targets.prior["F12"]


def test_catalogue_and_demands_are_populated(demo):
    published = Achievement.objects.filter(status="published")
    assert published.count() >= 200
    assert published.filter(ownership_granted=True).exists()
    assert published.filter(use_first_pay_later=True).exclude(licence_terms="").exists()
    assert TechDemand.objects.filter(is_public=True, status="open").exists()


def test_projects_challenges_events_and_training_from_the_counts(demo, targets):
    user = province()
    assert counts.projects_approved(user=user, period=H1, kind="lab_major") == targets.count("F09")
    assert counts.projects_approved(user=user, period=H1, kind="consortium") == targets.count("F21")
    labs = PlanProject.objects.filter(kind="lab_major").values_list("platform__kind", flat=True)
    assert set(labs) == {"provincial_lab"}
    assert PlanProject.objects.filter(kind="lab_major").values(
        "platform"
    ).distinct().count() == targets.count("F03")
    assert counts.challenges_published(user=user, period=H1) == targets.count("F22")
    assert counts.events_held(user=user, period=H1) == targets.count("F29")
    trained, cumulative = targets.parts("F33")
    [row] = counts.training_counts(user=user, periods=[H1])
    assert (row.trained, row.cumulative) == (trained, cumulative)
