"""The long frame becomes one row per enterprise the same way whatever the row order."""

from __future__ import annotations

import polars as pl
import pytest

from kechuang.rules import InputError, evaluate, load_program
from kechuang.rules.pivot import prepare
from tests.rules.generate import frame
from tests.rules.helpers import TECH_SME, frame_of

SPECS = [
    load_program("tech-sme", 2023),
    load_program("gazelle", 2023),
    load_program("innovation-points", 2023),
]


def test_grouped_and_shuffled_rows_give_the_same_frame_in_first_appearance_order():
    df = frame(500, 3)
    grouped = prepare(df, SPECS)
    shuffled_rows = df.sample(fraction=1.0, shuffle=True, seed=5)
    shuffled = prepare(shuffled_rows, SPECS)
    assert grouped["uscc"].to_list() == df["uscc"].unique(maintain_order=True).to_list()
    assert shuffled["uscc"].to_list() == shuffled_rows["uscc"].unique(maintain_order=True).to_list()
    assert grouped.sort("uscc").equals(shuffled.sort("uscc"))


def test_latest_value_is_the_latest_non_empty_one_up_to_the_evaluation_year():
    rows = [
        {"uscc": "A", "year": 2020, "industry_code": "C39"},
        {"uscc": "A", "year": 2021, "industry_code": "C40"},
        {"uscc": "A", "year": 2022, "industry_code": None},
        {"uscc": "A", "year": 2024, "industry_code": "C41"},  # after N: not read
    ]
    for order in (rows, rows[::-1]):
        wide = prepare(frame_of(order), [SPECS[0]])
        assert wide["industry_code@latest"].to_list() == ["C40"]


@pytest.mark.parametrize("shuffle", [False, True])
def test_two_rows_for_one_enterprise_and_year_are_refused(shuffle):
    rows = [TECH_SME, {**TECH_SME, "uscc": "T0002"}, {**TECH_SME, "staff": 3}]
    df = frame_of(rows)
    if shuffle:
        df = df.sample(fraction=1.0, shuffle=True, seed=1)
    with pytest.raises(
        InputError, match="more than one row for the same enterprise and year: T0001 2022"
    ):
        evaluate(SPECS[0], df)


def test_empty_input_and_missing_keys():
    empty = pl.DataFrame({"uscc": [], "year": []}, schema={"uscc": pl.String, "year": pl.Int64})
    assert evaluate(SPECS[0], empty).height == 0
    with pytest.raises(InputError, match="no year column"):
        evaluate(SPECS[0], pl.DataFrame({"uscc": ["A"]}))
    with pytest.raises(InputError, match="must not be empty"):
        evaluate(SPECS[0], pl.DataFrame({"uscc": ["A", None], "year": [2022, 2022]}))


def test_a_value_of_the_wrong_type_or_out_of_range_is_an_input_error():
    from decimal import Decimal

    huge = pl.DataFrame(
        {"uscc": ["A"], "year": [2022], "sales_revenue": [Decimal("1e30")]},
        schema={"uscc": pl.String, "year": pl.Int64, "sales_revenue": pl.Decimal(38, 2)},
    )
    with pytest.raises(InputError, match="out of range"):
        evaluate(SPECS[0], huge)
    with pytest.raises(InputError, match="wrong type"):
        evaluate(SPECS[0], pl.DataFrame({"uscc": ["A"], "year": [2022], "staff": ["many"]}))
