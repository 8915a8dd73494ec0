"""Explanations in zh-hans and English read like the scoring table."""

from __future__ import annotations

import datetime as dt

from kechuang.rules import explain, load_program
from tests.rules.helpers import one, run, yuan

SPEC = load_program("tech-sme", 2023)
# 4.3% of revenue (30 points); 17.2% of cost would give 20.
RD = {"rd_expense": yuan("43000"), "sales_revenue": yuan("1000000"), "total_cost": yuan("250000")}


def test_the_rd_sentence_names_the_option_not_taken():
    row = one(SPEC, **RD)
    assert (
        "R&D expense is 4.3% of sales revenue: 30 of 50 points; the cost ratio would give 20."
        in explain(row, SPEC, "en")
    )
    assert "研发费用占销售收入的4.3%，得30分（满分50分）；按成本费用比例可得20分。" in explain(
        row, SPEC, "zh-hans"
    )


def test_a_pass_by_score_in_both_languages():
    row = one(SPEC, **RD)
    assert row["score"] == 80
    assert explain(row, SPEC, "en")[0] == "Passed with 80 points (pass mark 60)."
    assert explain(row, SPEC, "zh-hans")[0] == "评价通过：得分80分（通过线60分）。"
    assert "S&T staff are 30% of total staff: 20 of 20 points." in explain(row, SPEC, "en")


def test_a_failure_says_which_condition_and_why():
    row = one(SPEC, staff=501, tech_staff=151)
    en = explain(row, SPEC, "en")
    zh = explain(row, SPEC)
    assert en[0] == "Not passed."
    assert "staff of at most 500: not met (total staff is 501)." in en
    assert "职工总数不超过500人：不符合（职工总数为501人）。" in zh


def test_missing_data_is_named():
    row = one(SPEC, rd_expense=None)
    assert "R&D input: not scored, missing R&D expense." in explain(row, SPEC, "en")
    assert "研发投入指标：缺少研发费用，未计分。" in explain(row, SPEC, "zh-hans")


def test_zero_st_staff_score_and_direct_qualification():
    row = one(SPEC, staff=500, tech_staff=49)
    assert "S&T staff scores 0, which the pass rule does not allow." in explain(row, SPEC, "en")
    assert "科技人员指标得分为0，不符合通过条件。" in explain(row, SPEC)
    row = one(SPEC, tech_staff=0, high_tech_cert_valid_to=dt.date(2024, 12, 31))
    assert explain(row, SPEC, "en")[0] == (
        "Qualified directly: holds a valid high-tech enterprise certificate."
    )
    assert explain(row, SPEC)[0] == "直接认定：拥有有效期内的高新技术企业资格证书。"


def test_gazelle_routes_are_listed():
    gazelle = load_program("gazelle", 2023)
    base = {
        "uscc": "G1",
        "year": 2022,
        "founded_on": dt.date(2020, 1, 1),
        "sales_revenue": yuan("600000000"),
        "st_activity_expense": yuan("15000000"),
    }
    rows = [{**base, "year": 2020}, {**base, "year": 2021}, base]
    row = run(gazelle, rows)[0]
    en = explain(row, gazelle, "en")
    assert en[0] == "Qualified directly: at most 5 years old with revenue of at least 500 M yuan."
    assert (
        "3-year revenue CAGR of at least 20%, base revenue above 10 M yuan and growth last "
        "year: not met (revenue grew 0% in N-1)." in en
    )
    assert (
        "a single venture investment of at least 10 M yuan: cannot be decided, missing "
        "largest single venture investment." in en
    )


def test_innovation_points_explain_the_stage_the_list_and_each_indicator():
    from tests.rules.test_cohort import IP, star

    row = run(IP, star())[0]
    en = explain(row, IP, "en")
    assert en[0] == "Passed with 1,000 points, on the first list (top 5%)."
    assert en[1] == (
        "Stage: growth (by revenue); ranked against enterprises of the same "
        "high-tech zone code and stage."
    )
    assert "R&D expense: 70 of 70 points for the stage (R&D expense is 5,000,000 yuan)." in en
    zh = explain(row, IP, "zh-hans")
    assert zh[0] == "评价通过：得分1,000分，列入第一梯队(前5%)。"
    assert "研发费用：得70分（本阶段满分70分；研发费用为5,000,000元）。" in zh
