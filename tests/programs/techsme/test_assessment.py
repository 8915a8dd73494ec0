"""One enterprise's figures through the rules: the single-record path agrees with the
Polars engine on the frame built from the same figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.programs import assessment
from kechuang.rules import evaluate, load_program
from tests.factories import PASSING_FIGURES

pytestmark = pytest.mark.django_db

VARIANTS = {
    "passing": {},
    "too_few_st_staff": {"tech_staff": 5},
    "cost_option_wins": {"sales_revenue": Decimal("150000000"), "rd_expense": Decimal("12000000")},
    "class_one_ip": {"ip_class1": 1, "ip_class2": 0},
    "too_big": {"staff": 800, "tech_staff": 300},
    "incident": {"major_incident": True},
    "high_tech_direct": {"tech_staff": 0, "high_tech_cert_valid_to": dt.date(2025, 12, 31)},
    "missing_revenue": {"sales_revenue": None},
}


def _same(a: dict, b: dict) -> None:
    for key in ("eligible", "score", "verdict", "qualified_by", "reasons"):
        assert a[key] == b[key], key
    for key in a:
        if key.startswith(("points_", "cond_", "option_")):
            assert a[key] == b[key], key


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_single_record_path_agrees_with_the_engine(enterprise, name):
    spec = load_program("tech-sme", 2023)
    figures = {k: v for k, v in {**PASSING_FIGURES, **VARIANTS[name]}.items() if v is not None}
    years = {2022: figures, 2023: {k: figures[k] for k in assessment.BOTH_YEARS if k in figures}}
    single = assessment.evaluate_one(spec, enterprise, years)
    bulk = evaluate(spec, assessment.frame(enterprise, years)).row(0, named=True)
    _same(single, bulk)


def test_verdicts_of_the_variants(enterprise):
    def verdict(name: str) -> tuple:
        figures = {k: v for k, v in {**PASSING_FIGURES, **VARIANTS[name]}.items() if v is not None}
        found = assessment.tech_sme(enterprise, 2023, figures)
        return found.verdict, found.score, found.qualified_by

    assert verdict("passing") == ("pass", 82, "score")
    assert verdict("too_few_st_staff") == ("fail", 62, "")
    assert verdict("class_one_ip") == ("pass", 100, "score")
    assert verdict("too_big")[0] == "fail"
    assert verdict("incident")[0] == "fail"
    assert verdict("high_tech_direct") == ("pass", None, "direct:high_tech")


def test_figures_survive_the_json_round_trip():
    typed = {**PASSING_FIGURES, "high_tech_cert_valid_to": dt.date(2025, 12, 31)}
    assert assessment.from_json(assessment.to_json(typed)) == typed


def test_a_published_rule_version_is_used(registered, enterprise, enterprise_user):
    from kechuang.programs.runs.models import SpecVersion
    from kechuang.programs.specs import digest, file_text, with_version
    from tests.programs.conftest import assess

    text = with_version(file_text("tech-sme", 2023) or "", "tech-sme/2023.2")
    text = text.replace("min_score = 60", "min_score = 85")
    SpecVersion.objects.create(
        program="tech-sme", year=2023, version="tech-sme/2023.2", text=text, sha256=digest(text)
    )
    app = assess(enterprise_user, enterprise)
    assert (app.spec_version, app.score, app.verdict) == ("tech-sme/2023.2", 82, "fail")
    assert "score_below_pass" in app.result["reasons"]
