"""simulate(): what a changed spec would do to this year's verdicts."""

from __future__ import annotations

from pathlib import Path

from kechuang.rules import load_program, load_spec, simulate
from tests.rules.helpers import TECH_SME, frame_of, yuan

SPEC = load_program("tech-sme", 2023)


def stricter(tmp_path: Path) -> object:
    text = Path(SPEC.path).read_text(encoding="utf-8")
    text = text.replace("min_score = 60", "min_score = 70").replace(
        'version = "tech-sme/2023.1"', 'version = "tech-sme/2023.2-draft"'
    )
    path = tmp_path / "2023.toml"
    path.write_text(text, encoding="utf-8")
    return load_spec(path)


def test_flips_and_counts_by_city_and_industry(tmp_path):
    rows = [
        # 60 points: passes at 60, fails at 70.
        {
            **TECH_SME,
            "uscc": "A1",
            "tech_staff": 60,
            "rd_expense": yuan("500000"),
            "total_cost": yuan("100000000"),
            "ip_class1": 0,
        },
        {
            **TECH_SME,
            "uscc": "A2",
            "region_code": "210211",
            "industry_code": "I65",
            "tech_staff": 50,
            "rd_expense": yuan("500000"),
            "total_cost": yuan("100000000"),
            "ip_class1": 0,
            "ip_class2": 1,
        },  # 16 + 40 + 6 = 62
        {**TECH_SME, "uscc": "A3"},  # 100: passes either way
        {**TECH_SME, "uscc": "A4", "staff": 501},  # fails either way
        {
            **TECH_SME,
            "uscc": "A5",
            "city_code": "SHENFU",
            "tech_staff": 60,
            "rd_expense": yuan("500000"),
            "total_cost": yuan("100000000"),
            "ip_class1": 0,
        },
    ]
    result = simulate(SPEC, stricter(tmp_path), frame_of(rows))
    assert result.flips["uscc"].to_list() == ["A1", "A2", "A5"]
    assert set(result.flips["verdict_b"]) == {"fail"}
    assert (result.passes_a, result.passes_b, result.to_pass, result.to_fail) == (4, 1, 0, 3)
    assert result.by_city.rows() == [("210100", 0, 1), ("210200", 0, 1), ("SHENFU", 0, 1)]
    assert result.by_industry.rows() == [("39", 0, 2), ("65", 0, 1)]


def test_a_looser_spec_flips_the_other_way(tmp_path):
    rows = [
        {
            **TECH_SME,
            "uscc": "B1",
            "tech_staff": 60,
            "rd_expense": yuan("500000"),
            "total_cost": yuan("100000000"),
            "ip_class1": 0,
        }
    ]
    result = simulate(stricter(tmp_path), SPEC, frame_of(rows))
    assert (result.to_pass, result.to_fail) == (1, 0)
    assert result.flips.row(0, named=True)["score_b"] == 60
