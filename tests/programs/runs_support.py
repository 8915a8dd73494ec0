"""Hand-made enterprises for the batch-run tests, scored by the tech-SME table of 2023.

Each firm files figures for fiscal year 2022 (the year the 2023 evaluation scores) and the
list/incident flags for 2022 and 2023. With the shipped rules:
- PASS scores 82 (S&T staff 30 % → 20, R&D 6 % of revenue → 50, two class II IP → 12);
- NEAR scores 66 (S&T staff 12 % → 4): passes at 60, fails at 70;
- LOW scores 52 (R&D 3 % of revenue → 20): fails at 60, passes at 50;
- BIG has 600 staff: not eligible, whatever the score.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kechuang.core.models import Region
from kechuang.programs.runs.services import run_evaluation
from kechuang.registry.models import EnterpriseYear
from tests.factories import EnterpriseFactory

YEAR = 2023
BASE: dict[str, Any] = {
    "staff": 100,
    "tech_staff": 30,
    "sales_revenue": Decimal("50000000.00"),
    "total_cost": Decimal("40000000.00"),
    "rd_expense": Decimal("3000000.00"),
    "total_assets": Decimal("30000000.00"),
    "ip_class1": 0,
    "ip_class2": 2,
}
FLAGS = {"abnormal_or_blacklisted": False, "major_incident": False}
PASS: dict[str, Any] = {}
NEAR = {"tech_staff": 12}
LOW = {"rd_expense": Decimal("1500000.00")}
BIG = {"staff": 600, "tech_staff": 180}
SCORES = {"PASS": 82, "NEAR": 66, "LOW": 52, "BIG": 82}


def firm(name: str, county: str = "210102", figures: dict[str, Any] | None = None, **kw: Any):
    """An enterprise with the 2022 figures (BASE changed by `figures`) and 2023 flags."""
    enterprise = EnterpriseFactory(name=name, county=county, **kw)
    EnterpriseYear.objects.create(
        enterprise=enterprise, year=YEAR - 1, **{**BASE, **(figures or {}), **FLAGS}
    )
    EnterpriseYear.objects.create(enterprise=enterprise, year=YEAR, **FLAGS)
    return enterprise


def province_firms() -> dict[str, Any]:
    """Three firms in Shenyang, one in Dalian, one of the Shenfu zone (in a Shenyang county)."""
    return {
        "pass": firm("沈阳通过科技", figures=PASS),
        "near": firm("沈阳临界科技", figures=NEAR),
        "low": firm("大连低分科技", county="210202", figures=LOW),
        "big": firm("沈阳大型科技", figures=BIG),
        "shenfu": firm("沈抚示范区科技", city=Region.objects.get(code="SHENFU"), figures=PASS),
    }


def run(actor: Any, program: str = "tech-sme", year: int = YEAR, **kw: Any) -> Any:
    return run_evaluation(actor=actor, program=program, year=year, **kw).run
