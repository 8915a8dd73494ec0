"""Build small frames, evaluate them with the engine and hold the result to the reference."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl

from kechuang.rules import Spec, evaluate, records_from_frame, reference_evaluate_all
from tests.rules.compare import differences
from tests.rules.generate import SCHEMA

# An enterprise that meets every tech-SME condition and scores 100 on fiscal year 2022.
TECH_SME = {
    "uscc": "T0001",
    "year": 2022,
    "founded_on": dt.date(2015, 1, 1),
    "region_code": "210102",
    "industry_code": "C39",
    "staff": 200,
    "tech_staff": 60,
    "sales_revenue": Decimal("10000000.00"),
    "total_cost": Decimal("2000000.00"),
    "rd_expense": Decimal("600000.00"),
    "total_assets": Decimal("50000000.00"),
    "ip_class1": 1,
    "ip_class2": 0,
    "abnormal_or_blacklisted": False,
    "major_incident": False,
}


def frame_of(rows: list[dict[str, Any]]) -> pl.DataFrame:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    return pl.DataFrame(
        [{k: row.get(k) for k in keys} for row in rows], schema={k: SCHEMA[k] for k in keys}
    )


def run(spec: Spec, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Engine rows in input order; fails if the reference evaluator disagrees anywhere."""
    frame = frame_of(rows)
    engine = evaluate(spec, frame)
    problems = differences(engine, reference_evaluate_all(spec, records_from_frame(frame)))
    assert not problems, "\n".join(problems[:10])
    return list(engine.iter_rows(named=True))


def one(spec: Spec, base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """Evaluate the base enterprise (tech-SME by default) with some values changed."""
    return run(spec, [{**(base or TECH_SME), **changes}])[0]


def yuan(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.01"))
