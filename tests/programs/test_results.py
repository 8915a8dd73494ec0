"""Result rows from the engine's output: the table written to the database."""

from __future__ import annotations

import polars as pl
import pytest

from kechuang.programs import results
from kechuang.rules import evaluate, load_program
from tests.rules.generate import frame as random_frame


@pytest.mark.parametrize("program", ["tech-sme", "innovation-points"])
def test_a_table_encoded_in_slices_equals_the_table_encoded_at_once(program, monkeypatch):
    spec = load_program(program, 2023)
    long = random_frame(300, seed=11)
    long = long.with_columns(pl.col("uscc").rank("dense").cast(pl.Int64).alias("enterprise_id"))
    result = evaluate(spec, long)

    monkeypatch.setattr(results, "SLICE", 10**9)
    whole = results.result_table(spec, result, long, run_id=7)
    monkeypatch.setattr(results, "SLICE", 7)  # 300 rows: eight slices, the last one short
    sliced = results.result_table(spec, result, long, run_id=7)

    assert sliced.columns == list(results.COLUMNS)
    assert sliced.height == result.height == 300
    assert sliced.equals(whole)
    # Every row is its own enterprise's: the slices are put back in order.
    assert (
        sliced["enterprise_id"].to_list()
        == long["enterprise_id"].unique(maintain_order=True).to_list()
    )
    assert sliced["program"].unique().to_list() == [program]
    assert sliced["run_id"].unique().to_list() == [7]
