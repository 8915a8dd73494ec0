"""Tech-based SME evaluation (国科发政〔2017〕115号): the official table, edge by edge."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.rules import load_program
from tests.rules.helpers import TECH_SME, one, run, yuan

SPEC = load_program("tech-sme", 2023)


# S&T staff ÷ total staff (20): ≥30% 20 · ≥25% 16 · ≥20% 12 · ≥15% 8 · ≥10% 4 · else 0.
@pytest.mark.parametrize(
    ("tech_staff", "points"),
    [
        (60, 20),
        (59, 16),
        (50, 16),
        (49, 12),
        (40, 12),
        (39, 8),
        (30, 8),
        (29, 4),
        (20, 4),
        (19, 0),
        (0, 0),
    ],
)
def test_st_staff_bands_of_200_staff(tech_staff, points):
    assert one(SPEC, tech_staff=tech_staff)["points_st_staff"] == points


# R&D ÷ sales revenue (50): ≥6% 50 · ≥5% 40 · ≥4% 30 · ≥3% 20 · ≥2% 10 · else 0.
@pytest.mark.parametrize(
    ("rd", "points"),
    [
        ("600000.00", 50),
        ("599999.99", 40),
        ("500000.00", 40),
        ("499999.99", 30),
        ("400000.00", 30),
        ("399999.99", 20),
        ("300000.00", 20),
        ("299999.99", 10),
        ("200000.00", 10),
        ("199999.99", 0),
    ],
)
def test_rd_to_revenue_bands(rd, points):
    row = one(SPEC, rd_expense=yuan(rd), total_cost=yuan("100000000"))
    assert row["points_rd__revenue"] == points
    assert row["points_rd"] == points
    assert row["option_rd"] == "revenue"


# R&D ÷ total cost and expense (50): ≥30% 50 · ≥25% 40 · ≥20% 30 · ≥15% 20 · ≥10% 10 · else 0.
@pytest.mark.parametrize(
    ("rd", "points"),
    [
        ("300000.00", 50),
        ("299999.99", 40),
        ("250000.00", 40),
        ("249999.99", 30),
        ("200000.00", 30),
        ("199999.99", 20),
        ("150000.00", 20),
        ("149999.99", 10),
        ("100000.00", 10),
        ("99999.99", 0),
    ],
)
def test_rd_to_cost_bands(rd, points):
    row = one(
        SPEC, rd_expense=yuan(rd), total_cost=yuan("1000000"), sales_revenue=yuan("199999999.99")
    )
    assert row["points_rd__cost"] == points
    assert row["points_rd"] == points
    assert row["option_rd"] == ("cost" if points else "revenue")


@pytest.mark.parametrize(
    ("rd", "points"), [("4800000000000000.00", 50), ("4799999999999999.99", 40)]
)
def test_band_edges_hold_where_64_bit_products_would_overflow(rd, points):
    # 8e18 fen of revenue times the 6% edge's 3 (and R&D fen times 50) pass 2**63: such a
    # comparison is made in 128 bits, the smaller ones of the other tests in 64.
    revenue = yuan("80000000000000000.00")
    row = one(SPEC, rd_expense=yuan(rd), sales_revenue=revenue, total_cost=revenue)
    assert row["points_rd__revenue"] == points


def test_the_better_rd_option_is_taken_and_named():
    # 4.3% of revenue gives 30; 21.5% of cost gives 30 too: a tie goes to the revenue option.
    row = one(
        SPEC, rd_expense=yuan("43000"), sales_revenue=yuan("1000000"), total_cost=yuan("200000")
    )
    assert (row["points_rd__revenue"], row["points_rd__cost"], row["option_rd"]) == (
        30,
        30,
        "revenue",
    )
    row = one(
        SPEC, rd_expense=yuan("43000"), sales_revenue=yuan("1000000"), total_cost=yuan("160000")
    )
    assert (row["points_rd__revenue"], row["points_rd__cost"], row["option_rd"]) == (30, 40, "cost")


# IP (30): ≥1 class I 30 · ≥4 class II 24 · 3 → 18 · 2 → 12 · 1 → 6 · none 0.
@pytest.mark.parametrize(
    ("class1", "class2", "points"),
    [(1, 0, 30), (2, 9, 30), (0, 5, 24), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)],
)
def test_ip_bands(class1, class2, points):
    assert one(SPEC, ip_class1=class1, ip_class2=class2)["points_ip"] == points


def test_pass_at_60_fail_at_58():
    passed = one(SPEC, tech_staff=60, rd_expense=yuan("500000"), ip_class1=0, ip_class2=0)
    assert (passed["score"], passed["verdict"], passed["qualified_by"]) == (60, "pass", "score")
    failed = one(SPEC, tech_staff=50, rd_expense=yuan("400000"), ip_class1=0, ip_class2=2)
    assert (failed["score"], failed["verdict"]) == (58, "fail")
    assert failed["reasons"] == ["score_below_pass"]


def test_st_staff_below_ten_percent_fails_even_with_80_points():
    # 9.99% of staff: 999 of 10,000 (above the staff cap too); 49 of 500 is 9.8% within it.
    for staff, tech in ((10000, 999), (500, 49)):
        row = one(SPEC, staff=staff, tech_staff=tech)
        assert (row["points_st_staff"], row["score"], row["verdict"]) == (0, 80, "fail")
        assert "zero_points:st_staff" in row["reasons"]
    assert one(SPEC, staff=500, tech_staff=49)["reasons"] == ["zero_points:st_staff"]


@pytest.mark.parametrize(
    ("changes", "eligible", "reason"),
    [
        ({"staff": 500, "tech_staff": 150}, True, None),
        ({"staff": 501, "tech_staff": 151}, False, "ineligible:staff_cap"),
        ({"sales_revenue": yuan("200000000.00")}, True, None),
        ({"sales_revenue": yuan("200000000.01")}, False, "ineligible:revenue_cap"),
        ({"total_assets": yuan("200000000.00")}, True, None),
        ({"total_assets": yuan("200000000.01")}, False, "ineligible:assets_cap"),
        ({"industry_code": "C16"}, False, "ineligible:industry_allowed"),
        ({"industry_code": "51"}, False, "ineligible:industry_allowed"),
        ({"industry_code": "F5212"}, False, "ineligible:industry_allowed"),
        ({"industry_code": "H61"}, False, "ineligible:industry_allowed"),
        ({"industry_code": "62"}, False, "ineligible:industry_allowed"),
        ({"industry_code": "K70"}, False, "ineligible:industry_allowed"),
        ({"industry_code": "L71"}, False, "ineligible:industry_allowed"),
        ({"industry_code": "72"}, False, "ineligible:industry_allowed"),
        ({"industry_code": "R90"}, False, "ineligible:industry_allowed"),
        ({"industry_code": "I65"}, True, None),
        ({"industry_code": "C"}, False, "not_computable:industry_division"),
        ({"industry_code": None}, False, "missing:industry_code"),
        ({"major_incident": True}, False, "ineligible:no_incident"),
        ({"abnormal_or_blacklisted": True}, False, "ineligible:not_blacklisted"),
        ({"resident_taxpayer": False}, False, "ineligible:resident_enterprise"),
        ({"resident_taxpayer": True}, True, None),
    ],
)
def test_eligibility(changes, eligible, reason):
    row = one(SPEC, **changes)
    assert row["eligible"] is eligible
    assert row["verdict"] == ("pass" if eligible else "fail")
    assert row["reasons"] == ([reason] if reason else [])


def test_a_flag_in_the_evaluation_year_itself_counts():
    rows = [TECH_SME, {"uscc": "T0001", "year": 2023, "abnormal_or_blacklisted": True}]
    row = run(SPEC, rows)[0]
    assert (row["eligible"], row["reasons"]) == (False, ["ineligible:not_blacklisted"])


def test_missing_data_is_a_reason_never_a_zero():
    row = one(SPEC, rd_expense=None)
    assert row["points_rd"] is None
    assert row["score"] is None
    assert row["verdict"] == "fail"
    assert row["reasons"] == ["missing:rd_expense"]
    row = one(SPEC, staff=None)
    assert row["eligible"] is False
    assert row["reasons"] == ["missing:staff"]


def test_zero_staff_makes_the_share_not_computable():
    row = one(SPEC, staff=0, tech_staff=0)
    assert row["points_st_staff"] is None
    assert "not_computable:st_staff_share" in row["reasons"]


@pytest.mark.parametrize(
    "flag",
    ["high_tech_cert_valid_to", "national_award_top3", "provincial_rd_institution", "led_standard"],
)
def test_direct_qualification_skips_scoring_but_not_eligibility(flag):
    value = dt.date(2023, 6, 30) if flag == "high_tech_cert_valid_to" else True
    weak = {"tech_staff": 0, "rd_expense": yuan("0"), "ip_class1": 0, flag: value}
    name = {
        "high_tech_cert_valid_to": "high_tech",
        "national_award_top3": "national_award",
        "provincial_rd_institution": "rd_institution",
        "led_standard": "led_standard",
    }[flag]
    row = one(SPEC, **weak)
    assert (row["verdict"], row["qualified_by"], row["score"]) == ("pass", f"direct:{name}", None)
    assert row["reasons"] == []
    outside = one(SPEC, staff=501, **weak)
    assert (outside["verdict"], outside["qualified_by"]) == ("fail", None)
    assert outside["score"] == 0
    assert outside["reasons"][0] == "ineligible:staff_cap"


def test_high_tech_certificate_must_be_valid_on_the_evaluation_date():
    assert one(SPEC, tech_staff=0, high_tech_cert_valid_to=dt.date(2023, 6, 30))["verdict"] == (
        "pass"
    )
    row = one(SPEC, tech_staff=0, high_tech_cert_valid_to=dt.date(2023, 6, 29))
    assert (row["verdict"], row["cond_high_tech"]) == ("fail", False)


def test_the_2024_spec_reads_fiscal_2023():
    spec_2024 = load_program("tech-sme", 2024)
    assert spec_2024.version != SPEC.version
    assert spec_2024.reads == (2023, 2024)
    row = one(spec_2024)  # only 2022 figures: nothing to read for 2024
    assert row["verdict"] == "fail"
    assert "missing:staff" in row["reasons"]
    assert one(spec_2024, year=2023)["verdict"] == "pass"


def test_several_years_of_specs_in_one_call():
    from kechuang.rules import evaluate_many
    from tests.rules.helpers import frame_of

    rows = [TECH_SME, {**TECH_SME, "year": 2023}]
    results = evaluate_many([SPEC, load_program("tech-sme", 2024)], frame_of(rows))
    assert sorted(results) == ["tech-sme/2023", "tech-sme/2024"]
    assert results["tech-sme/2024"]["spec_version"].to_list() == ["tech-sme/2024.1"]
    assert [r["verdict"][0] for r in results.values()] == ["pass", "pass"]
